//! The session: its calls, token lifecycle, limiter and jitter, and the
//! decisions that move a call from one action to the next.

use std::collections::BTreeMap;
use std::time::Duration;

use http::header::{ACCEPT, LOCATION, USER_AGENT};
use http::{HeaderName, HeaderValue, Uri};
use serde_json::json;

use super::call::{Call, Phase, Target};
use super::events::Log;
use super::redirect::{self, MAX_REDIRECTS, may_carry_token};
use super::{Action, BodyLimits, CallId, CallRequest, Cancelled, Outcome, Send, Step};
use crate::auth::lifecycle::{self, Access, TokenLifecycle};
use crate::auth::{DEFAULT_API_BASE_URL, OAuthError, TokenSet, TokenSource};
use crate::catalog;
use crate::config::{Credentials, HostConfig, LogLevel, StoreMode, Timeouts};
use crate::error::Error;
use crate::fleet::SharedReply;
use crate::limiter::{Acquire, RateLimiter};
use crate::paginate;
use crate::ratelimit::RateLimitInfo;
use crate::request::{self, BuildError, RequestConfig};
use crate::response::{self, Reply};
use crate::retry::{self, CallState, Decision, GiveUp, Jitter, RetryPolicy, TransportErrorKind};
use crate::secret::Secret;
use crate::time::Timestamp;

/// How far behind its time a fleet's slot may still be sent (a host's
/// timer and scheduling lag, a few milliseconds): later, it is given up.
const LATE_SLOT: Duration = Duration::from_millis(20);

/// One client's calls, token and rate-limit state. Every method takes
/// `&mut self`: concurrent hosts keep it behind a lock held only around a
/// crossing, never across IO.
pub struct Session {
    pub(super) request: RequestConfig,
    pub(super) retry: RetryPolicy,
    pub(super) timeouts: Timeouts,
    pub(super) lifecycle: TokenLifecycle,
    /// Whether a token request can be repeated without harm: every grant
    /// but the refresh grant, whose first try may have rotated the refresh
    /// token already.
    pub(super) token_request_idempotent: bool,
    pub(super) store: StoreMode,
    /// The store was read once (or there is none to read).
    store_loaded: bool,
    /// The call reading the store for the first time, and since when.
    loader: Option<(u64, Timestamp)>,
    pub(super) limiter: Option<RateLimiter>,
    /// The fleet this session belongs to, if any.
    pub(super) fleet: Option<super::fleet::FleetState>,
    pub(super) jitter: Jitter,
    pub(super) calls: BTreeMap<u64, Call>,
    last_call: u64,
    pub(super) body_limits: BodyLimits,
    pub(super) log: Log,
    /// Shared state changed in this crossing: the host wakes its waiters.
    pub(super) wake: bool,
    entries: u64,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Session")
            .field("base_url", &self.request.base_url)
            .field("calls", &self.calls.len())
            .field("has_token", &self.lifecycle.tokens().is_some())
            .field("token_store", &self.store)
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session; fails when the configuration cannot be used.
    pub fn new(config: HostConfig) -> Result<Session, Error> {
        config.validate()?;
        let oauth = config.oauth();
        let (source, tokens) = match (config.credentials, oauth) {
            (Credentials::ServerToServer { .. }, Some(o)) => (TokenSource::ServerToServer(o), None),
            (Credentials::ClientCredentials { .. }, Some(o)) => {
                (TokenSource::ClientCredentials(o), None)
            }
            (Credentials::UserTokens { tokens, .. }, Some(o)) => {
                (TokenSource::RefreshToken(o), Some(tokens))
            }
            (Credentials::AccessToken(token), _) => (
                TokenSource::Fixed,
                Some(TokenSet {
                    access_token: token,
                    refresh_token: None,
                    token_type: "bearer".to_owned(),
                    scopes: Vec::new(),
                    expires_at: None,
                    api_url: None,
                }),
            ),
            (_, _) => (TokenSource::External, None),
        };
        let fixed = matches!(source, TokenSource::Fixed);
        let token_request_idempotent = !matches!(source, TokenSource::RefreshToken(_));
        let mut lifecycle = TokenLifecycle::new(source, config.lifecycle);
        // A fleet keeps the tokens in Redis, shared: renewals lock and re-read.
        let store = if config.fleet.is_some() {
            StoreMode::Shared
        } else {
            config.token_store
        };
        lifecycle.set_store_reload(store == StoreMode::Shared);
        if let Some(tokens) = tokens {
            lifecycle.install(tokens);
        }
        Ok(Session {
            request: config.request,
            retry: config.retry,
            timeouts: config.timeouts,
            lifecycle,
            token_request_idempotent,
            store,
            store_loaded: store == StoreMode::None || fixed,
            loader: None,
            limiter: match config.fleet {
                Some(_) => None,
                None => config.rate_limits.clone().map(RateLimiter::new),
            },
            fleet: config
                .fleet
                .map(|f| super::fleet::FleetState::new(f, config.rate_limits, config.seed)),
            jitter: Jitter::new(config.seed),
            calls: BTreeMap::new(),
            last_call: 0,
            body_limits: config.body_limits,
            log: Log::new(config.log),
            wake: false,
            entries: 0,
        })
    }

    /// Starts a call. Invalid parameters end it at once (`Done` with a
    /// build error, nothing sent); otherwise the step is its first action.
    pub fn start(&mut self, call: CallRequest, now: Timestamp) -> (CallId, Step) {
        self.entries += 1;
        self.last_call += 1;
        let id = self.last_call;
        let action = match self.admit(call, now) {
            Ok(c) => {
                self.calls.insert(id, c);
                self.advance(id, now)
            }
            Err(e) => Action::Done(Err(e)),
        };
        (CallId(id), self.step(action))
    }

    /// Reports the outcome of the action the host performed for `call`,
    /// and hands out what to do next.
    pub fn handle(&mut self, call: CallId, outcome: Outcome, now: Timestamp) -> Step {
        self.entries += 1;
        let action = self.dispatch(call.0, outcome, now);
        self.step(action)
    }

    /// The caller gave up on `call` (abort signal, dropped future,
    /// cancelled task). See [`Cancelled`] for what the host does next.
    pub fn cancel(&mut self, call: CallId, now: Timestamp) -> Cancelled {
        self.entries += 1;
        if self.is_detached_out(call.0) {
            if let Some(c) = self.calls.get_mut(&call.0) {
                c.orphan = true;
            }
            return Cancelled::Finishing;
        }
        let renewal = match self.calls.get(&call.0) {
            None => return Cancelled::Gone,
            Some(Call {
                phase: Phase::Renewing(r),
                ..
            }) => Some((r.id, r.locked)),
            Some(_) => None,
        };
        // Between two token requests (a backoff) nothing is out: the renewal
        // is given up and the waiters start their own; a lock held for it
        // is released first.
        if let Some((renewal, locked)) = renewal {
            self.abandon_renewal(renewal);
            if locked {
                if let Some(c) = self.calls.get_mut(&call.0) {
                    c.orphan = true;
                }
                let action = self.release_renewal(call.0, now);
                return Cancelled::Perform(Box::new(self.step(action)));
            }
        }
        self.remove(call.0);
        Cancelled::Gone
    }

    /// The host cannot complete the detached action it has out for `call`
    /// (a thread interrupted mid-request): the renewal is given up, so
    /// other calls start their own. Returns the store lock to release, best
    /// effort and without reporting, when the host holds it for this call.
    pub fn abandon(&mut self, call: CallId, now: Timestamp) -> Option<Action> {
        self.entries += 1;
        let _ = now;
        let c = self.remove(call.0)?;
        match c.phase {
            Phase::Renewing(r) => {
                self.abandon_renewal(r.id);
                r.locked.then_some(Action::UnlockStore)
            }
            _ => None,
        }
    }

    /// Calls started and not yet done.
    pub fn active_calls(&self) -> usize {
        self.calls.len()
    }

    /// How many times `start`, `handle`, `cancel` and `abandon` were called:
    /// hosts' tests check that a call's fast path is two crossings.
    pub fn entries(&self) -> u64 {
        self.entries
    }

    /// The token set in use, if any (scopes, expiry; `Debug` shows no token).
    pub fn tokens(&self) -> Option<&TokenSet> {
        self.lifecycle.tokens()
    }

    /// Adopts tokens obtained elsewhere (an OAuth flow this process ran):
    /// they are used from the next call on, and end a
    /// `reauthorization_required` state. Not written to the store.
    pub fn install_tokens(&mut self, tokens: TokenSet) {
        self.lifecycle.install(tokens);
    }

    /// The limits the session was configured with.
    pub fn timeouts(&self) -> Timeouts {
        self.timeouts
    }

    fn step(&mut self, action: Action) -> Step {
        Step {
            action,
            wake: std::mem::take(&mut self.wake),
            events: self.log.take(),
        }
    }

    fn is_detached_out(&self, id: u64) -> bool {
        self.calls.get(&id).is_some_and(|c| match &c.phase {
            Phase::Loading => true,
            Phase::Renewing(r) => r.is_out(),
            _ => false,
        })
    }

    /// Checks a call before it starts: the operation and its parameters,
    /// the download URL, the extra headers.
    fn admit(&mut self, call: CallRequest, now: Timestamp) -> Result<Call, Error> {
        let CallRequest { target, options } = call;
        let mut headers = http::HeaderMap::new();
        for (name, value) in &options.headers {
            let problem = |what: &str| BuildError::InvalidParameter {
                operation: "call".to_owned(),
                field: format!("headers.{name}"),
                problem: what.to_owned(),
            };
            let n = HeaderName::from_bytes(name.as_bytes())
                .map_err(|_| problem("is not a valid header name"))?;
            if n == http::header::AUTHORIZATION || n == http::header::HOST {
                return Err(problem("is set by the client and cannot be overridden").into());
            }
            let v = HeaderValue::from_str(value)
                .map_err(|_| problem("has a value that cannot go into a header"))?;
            headers.append(n, v);
        }
        let target = match target {
            super::Target::Operation { operation, params } => {
                let op = catalog::operation(&operation)
                    .ok_or_else(|| Error::from(BuildError::UnknownOperation(operation.clone())))?;
                // Built here to refuse bad parameters before anything is sent;
                // the first attempt sends this one, a retry or a regional
                // base URL builds again.
                let first = request::build_operation(op, &params, &self.request)?;
                Target::Operation {
                    op,
                    params,
                    first: Some(Box::new(first)),
                }
            }
            super::Target::Download { url } => {
                let uri = redirect::absolute_url(&url).ok_or_else(|| {
                    Error::from(BuildError::InvalidParameter {
                        operation: "download".to_owned(),
                        field: "url".to_owned(),
                        problem: "is not an absolute http(s) URL".to_owned(),
                    })
                })?;
                Target::Url(uri)
            }
        };
        Ok(Call::new(
            target,
            &options,
            headers,
            self.timeouts.call,
            now,
        ))
    }

    pub(super) fn remove(&mut self, id: u64) -> Option<Call> {
        if self.loader.is_some_and(|(l, _)| l == id) {
            self.loader = None;
            self.wake = true;
        }
        self.calls.remove(&id)
    }

    /// Ends call `id` with `result`.
    pub(super) fn finish(&mut self, id: u64, result: Result<Reply, Error>) -> Action {
        if let (Err(e), true) = (&result, self.log.wants(LogLevel::Debug)) {
            let operation = self.calls.get(&id).map(|c| c.operation().id.clone());
            self.log.push(
                LogLevel::Debug,
                "call.failed",
                format!("call {id} failed: {e}"),
                [
                    ("call", json!(id)),
                    ("operation", json!(operation)),
                    ("class", json!(e.class().name())),
                    ("code", json!(e.code())),
                    ("status", json!(e.status())),
                    ("tracking_id", json!(e.tracking_id())),
                ],
            );
        }
        self.remove(id);
        Action::Done(result)
    }

    /// The caller's wait ends (deadline passed while a detached action is
    /// out); the call stays to finish that action.
    fn expire(&mut self, id: u64) -> Action {
        let Some(c) = self.calls.get_mut(&id) else {
            return Action::Done(Err(Error::Cancelled));
        };
        if c.orphan {
            return Action::Done(Err(Error::Cancelled));
        }
        c.orphan = true;
        Action::Done(Err(c.last_error.clone().unwrap_or(Error::Timeout)))
    }

    fn dispatch(&mut self, id: u64, outcome: Outcome, now: Timestamp) -> Action {
        if !self.calls.contains_key(&id) {
            return Action::Done(Err(Error::internal(format!(
                "call {id} is not running (it is done, or was never started)"
            ))));
        }
        if matches!(outcome, Outcome::Expired) {
            return if self.is_detached_out(id) {
                self.expire(id)
            } else {
                self.protocol_error(id, "Expired reported without a detached action out")
            };
        }
        // The fleet's answer to the first read stands for the store's.
        let outcome = match (outcome, self.calls.get(&id).map(|c| &c.phase)) {
            (Outcome::Shared(reply), Some(Phase::Loading)) => match reply {
                Ok(SharedReply::Nil) => Outcome::Stored(None),
                Ok(SharedReply::Text(json)) => match TokenSet::from_store_json(json.as_bytes()) {
                    Ok(t) => Outcome::Stored(Some(t)),
                    Err(e) => {
                        Outcome::StoreFailed(format!("the fleet's token set cannot be read: {e}"))
                    }
                },
                Ok(other) => {
                    self.degrade(&format!("the read script answered {other:?}"), now);
                    Outcome::Stored(None)
                }
                Err(e) => {
                    self.degrade(&e, now);
                    Outcome::Stored(None)
                }
            },
            (outcome, _) => outcome,
        };
        let Some(c) = self.calls.get_mut(&id) else {
            return Action::Done(Err(Error::internal("call vanished")));
        };
        match (&c.phase, outcome) {
            (Phase::Waiting, Outcome::Woken) => {
                c.phase = Phase::Ready;
                self.advance(id, now)
            }
            (
                Phase::Sending { .. },
                outcome @ (Outcome::Response(_) | Outcome::TooLarge | Outcome::Failed(_)),
            ) => self.api_outcome(id, outcome, now),
            (Phase::Loading, Outcome::Stored(tokens)) => {
                self.store_loaded = true;
                self.loader = None;
                self.wake = true;
                if let Some(tokens) = tokens {
                    self.lifecycle.install_read(tokens, now);
                }
                self.store_event("store.read", "read the token store");
                if let Some(c) = self.calls.get_mut(&id) {
                    c.phase = Phase::Ready;
                }
                self.advance(id, now)
            }
            (Phase::Loading, Outcome::StoreFailed(message)) => {
                self.loader = None;
                self.wake = true;
                if let Some(c) = self.calls.get_mut(&id) {
                    c.phase = Phase::Ready;
                }
                self.finish(id, Err(Error::TokenStore { message }))
            }
            (Phase::Renewing(_), outcome) => self.renewal_outcome(id, outcome, now),
            (Phase::Sharing(_), outcome) => {
                let Phase::Sharing(purpose) = std::mem::replace(&mut c.phase, Phase::Ready) else {
                    return Action::Done(Err(Error::internal("no shared operation out")));
                };
                self.sharing_outcome(id, purpose, outcome, now)
            }
            (_, outcome) => {
                let problem = format!("{outcome:?} does not answer what call {id} has out");
                self.protocol_error(id, &problem)
            }
        }
    }

    fn protocol_error(&mut self, id: u64, problem: &str) -> Action {
        if let Some(Call {
            phase: Phase::Renewing(r),
            ..
        }) = self.calls.get(&id)
        {
            let renewal = r.id;
            self.abandon_renewal(renewal);
        }
        self.finish(id, Err(Error::internal(problem)))
    }

    fn store_event(&mut self, name: &'static str, message: &str) {
        let store = self.store.to_string();
        self.log.push(
            LogLevel::Debug,
            name,
            message.to_owned(),
            [("store", json!(store))],
        );
    }

    /// Moves a call that has nothing out towards its next action.
    pub(super) fn advance(&mut self, id: u64, now: Timestamp) -> Action {
        let renewal_timeout = self.lifecycle.settings().renewal_timeout;
        let Some(c) = self.calls.get_mut(&id) else {
            return Action::Done(Err(Error::internal("advance of a call that is gone")));
        };
        if c.orphan {
            return self.finish(id, Err(Error::Cancelled));
        }
        if c.past_deadline(now) {
            let err = c.last_error.take().unwrap_or(Error::Timeout);
            return self.finish(id, Err(err));
        }
        if let Some(t) = c.not_before {
            if now < t {
                c.phase = Phase::Waiting;
                return Action::Wait {
                    until: c.bounded(t),
                };
            }
            c.not_before = None;
        }
        if !self.store_loaded {
            match self.loader {
                Some((loader, since))
                    if loader != id && now < since.saturating_add(renewal_timeout) =>
                {
                    c.phase = Phase::Waiting;
                    return Action::Wait {
                        until: c.bounded(since.saturating_add(renewal_timeout)),
                    };
                }
                _ => {
                    // The first call reads the store; a loader that went
                    // silent past the renewal timeout is replaced.
                    self.loader = Some((id, now));
                    c.phase = Phase::Loading;
                    let expires_at = c.deadline;
                    let offline = self.fleet.as_ref().is_some_and(|f| !f.online(now));
                    if offline {
                        // Nothing to read without Redis: start from what the
                        // session has.
                        self.store_loaded = true;
                        self.loader = None;
                        if let Some(c) = self.calls.get_mut(&id) {
                            c.phase = Phase::Ready;
                        }
                        return self.advance(id, now);
                    }
                    return self
                        .fleet_first_read(expires_at)
                        .unwrap_or(Action::ReadStore { expires_at });
                }
            }
        }
        let waiting_on = c.waiting_on;
        match self.lifecycle.acquire(now, waiting_on) {
            Access::Ready(token) => {
                if let Some(c) = self.calls.get_mut(&id) {
                    c.waiting_on = None;
                }
                if let Some(action) = self.take_slot(id, now) {
                    return action;
                }
                self.send_api(id, &token, now)
            }
            Access::Renew(renewal) => {
                // A slot already held is kept: a quick renewal still sends
                // in it, a slow one gives it up (see `take_slot`).
                if let Some(c) = self.calls.get_mut(&id) {
                    c.waiting_on = None;
                }
                self.begin_renewal(id, renewal, now)
            }
            Access::Wait { attempt, until } => {
                let Some(c) = self.calls.get_mut(&id) else {
                    return Action::Done(Err(Error::internal("call vanished")));
                };
                c.waiting_on = Some(attempt);
                c.phase = Phase::Waiting;
                Action::Wait {
                    until: c.bounded(until),
                }
            }
            Access::Failed(e) => {
                // A token Zoom refused (code 124) that cannot be renewed (a
                // fixed token, a source that gives the same one): Zoom's own
                // 401 is the better report than "cannot renew".
                let err = match self.calls.get_mut(&id).and_then(|c| c.last_error.take()) {
                    Some(Error::Api(api)) if api.code == Some(124) => Error::Api(api),
                    _ => e,
                };
                self.finish(id, Err(err))
            }
        }
    }

    /// Reserves call `id`'s rate-limit slot (the fleet's, else the
    /// in-process limiter's) once the call holds a usable token. A fleet's
    /// slot is for its time: Zoom counts arrivals per window, and a request
    /// sent well after its slot (a slow token renewal, a host busy
    /// starting up) lands bunched with the slots reserved after it (workers
    /// starting together got 429s that way). So a slot more than
    /// [`LATE_SLOT`] behind is given up for a fresh one, once per attempt;
    /// a call woken before its degraded turn asks Redis whether it is back.
    /// `None`: the slot is held, send now; else what the call does first.
    fn take_slot(&mut self, id: u64, now: Timestamp) -> Option<Action> {
        let Some(c) = self.calls.get_mut(&id) else {
            return Some(Action::Done(Err(Error::internal("call vanished"))));
        };
        if c.slot {
            let at = c.slot_at?;
            if now < at {
                return self.before_turn(id, at, now);
            }
            if c.forfeited || now <= at.saturating_add(LATE_SLOT) {
                return None;
            }
            c.forfeited = true;
            c.release_slot();
            let late_ms = now.saturating_duration_since(at).as_millis() as u64;
            let category = c.category().as_str();
            self.log.push(
                LogLevel::Debug,
                "rate_limit.late",
                format!("giving up a {category} rate-limit slot {late_ms} ms behind for a new one"),
                [
                    ("call", json!(id)),
                    ("category", json!(category)),
                    ("late_ms", json!(late_ms)),
                ],
            );
        }
        let Some(c) = self.calls.get(&id) else {
            return Some(Action::Done(Err(Error::internal("call vanished"))));
        };
        let (category, local_slot) = (c.category(), c.local_slot);
        if self.fleet_limits() {
            // Just back in the fleet: this worker's own part first, then the
            // fleet's slot (taken when the call is about to go out).
            if !local_slot && self.fleet_holds(category, now) {
                return match self.reserve_local(id, now, true) {
                    Some(action) => Some(action),
                    None => self.take_slot(id, now),
                };
            }
            if let Some(action) = self.fleet_acquire(id, now) {
                return Some(action);
            }
        }
        if local_slot {
            // Reserved with the worker's own part while back in the fleet,
            // and Redis is gone again: that part is what degraded mode uses.
            if let Some(c) = self.calls.get_mut(&id) {
                c.slot = true;
            }
            return None;
        }
        self.reserve_local(id, now, false)
    }

    /// Call `id` holds a degraded turn at `at` and woke before it: to ask
    /// Redis whether it is back (the probe is due), or, back in the fleet,
    /// to keep the turn while the worker still keeps to its turns, else to
    /// take the fleet's slot instead.
    fn before_turn(&mut self, id: u64, at: Timestamp, now: Timestamp) -> Option<Action> {
        let probe_at = self.fleet.as_ref().and_then(|f| f.probe_at());
        let until = match probe_at {
            Some(p) if now >= p => match self.fleet_probe(id, now) {
                Some(action) => return Some(action),
                None => at,
            },
            Some(p) => p.min(at),
            None => {
                let category = self.calls.get(&id).map(Call::category)?;
                let holds = self.fleet_holds(category, now);
                let c = self.calls.get_mut(&id)?;
                c.release_slot();
                if !holds {
                    return self.take_slot(id, now);
                }
                c.local_slot = true;
                at
            }
        };
        let c = self.calls.get_mut(&id)?;
        c.not_before = Some(until);
        c.phase = Phase::Waiting;
        Some(Action::Wait {
            until: c.bounded(until),
        })
    }

    /// Reserves call `id`'s slot with the in-process limiter in force (or,
    /// `held`, with the part a rejoined worker still keeps to), marking it
    /// on the call. `None`: reserved for now.
    fn reserve_local(&mut self, id: u64, now: Timestamp, held: bool) -> Option<Action> {
        let Some(c) = self.calls.get_mut(&id) else {
            return Some(Action::Done(Err(Error::internal("call vanished"))));
        };
        let category = c.category();
        // A degraded turn is a fleet's slot: the call wakes for the probe
        // before it, and a turn missed by far is given up.
        let (turn, probe_at) = match &self.fleet {
            Some(f) if !held => (true, f.probe_at()),
            _ => (false, None),
        };
        let limiter = match &mut self.fleet {
            Some(f) if held => f.held_limiter(),
            Some(f) => f.local_limiter(),
            None => self.limiter.as_mut(),
        };
        let mark = |c: &mut Call, at: Timestamp| {
            if held {
                c.local_slot = true;
            } else if turn {
                c.hold_slot(at);
            } else {
                c.slot = true;
            }
        };
        let Some(limiter) = limiter else {
            c.slot = !held;
            c.local_slot = held;
            return None;
        };
        match limiter.acquire(category, now) {
            Acquire::Ready => mark(c, now),
            Acquire::WaitUntil(t) => {
                mark(c, t);
                if c.deadline.is_some_and(|d| t >= d) {
                    let err = c.last_error.take().unwrap_or(Error::Timeout);
                    return Some(self.finish(id, Err(err)));
                }
                let wake = probe_at.map_or(t, |p| p.min(t));
                c.not_before = Some(wake);
                c.phase = Phase::Waiting;
                let wait_ms = t.saturating_duration_since(now).as_millis();
                self.log.push(
                    LogLevel::Info,
                    "rate_limit.wait",
                    format!(
                        "waiting {wait_ms} ms for a {} rate-limit slot",
                        category.as_str()
                    ),
                    [
                        ("call", json!(id)),
                        ("category", json!(category.as_str())),
                        ("wait_ms", json!(wait_ms as u64)),
                    ],
                );
                return Some(Action::Wait { until: wake });
            }
            Acquire::DailyLimitExhausted { reset_at } => {
                return Some(self.finish(
                    id,
                    Err(Error::DailyLimitExceeded {
                        reset_at: Some(reset_at),
                        api: None,
                    }),
                ));
            }
        }
        None
    }

    /// The next API request of call `id` with `token`.
    fn send_api(&mut self, id: u64, token: &lifecycle::AccessToken, now: Timestamp) -> Action {
        let (request, authorized) = match self.api_request(id, token) {
            Ok(r) => r,
            Err(e) => return self.finish(id, Err(e)),
        };
        let attempt_timeout = self.timeouts.attempt;
        let limits = self.body_limits;
        let Some(c) = self.calls.get_mut(&id) else {
            return Action::Done(Err(Error::internal("call vanished")));
        };
        if c.redirects == 0 {
            c.attempts += 1;
        }
        c.sent_uri = Some(request.uri().clone());
        let left = c.deadline.map(|d| d.saturating_duration_since(now));
        let (timeout, deadline_bound) = match left {
            Some(left) if left < attempt_timeout => (left, true),
            _ => (attempt_timeout, false),
        };
        c.phase = Phase::Sending {
            generation: authorized.then_some(token.generation),
            deadline_bound,
        };
        let body_limit = if c.follows_redirects() {
            limits.download
        } else {
            limits.api
        };
        if self.log.wants(LogLevel::Debug) {
            let c = &self.calls[&id];
            let (attempt, operation) = (c.attempts, c.operation().id.clone());
            let method = request.method().to_string();
            let url = super::redacted_uri(request.uri());
            self.log.push(
                LogLevel::Debug,
                "request",
                format!("{method} {url} ({operation}, attempt {attempt})"),
                [
                    ("call", json!(id)),
                    ("operation", json!(operation)),
                    ("attempt", json!(attempt)),
                    ("method", json!(method)),
                    ("url", json!(url)),
                ],
            );
        }
        Action::Send(Send {
            request,
            body_limit,
            timeout,
            detached: false,
            expires_at: None,
        })
    }

    /// The next API request of call `id` with `token`, and whether it carries
    /// the token.
    fn api_request(
        &mut self,
        id: u64,
        token: &lifecycle::AccessToken,
    ) -> Result<(http::Request<Vec<u8>>, bool), Error> {
        let c = self
            .calls
            .get_mut(&id)
            .ok_or_else(|| Error::internal("no such call"))?;
        // The token's regional host, unless it names none: then the configured one.
        let token_base =
            (token.api_base_url != DEFAULT_API_BASE_URL).then_some(token.api_base_url.as_str());
        // The request built at admission serves the first attempt, unless
        // the token names a regional host (then it is built for that).
        let prebuilt = match &mut c.target {
            Target::Operation { first, .. } => first.take().filter(|_| token_base.is_none()),
            Target::Url(_) => None,
        };
        let c = &*c;
        let hop = c.location.as_ref().or(match &c.target {
            Target::Url(uri) => Some(uri),
            Target::Operation { .. } => None,
        });
        let (mut request, authorized) = match (hop, &c.target) {
            (Some(uri), _) => {
                let trusted = [
                    Some(self.request.base_url.as_str()),
                    Some(self.request.file_base_url.as_str()),
                    token_base,
                ];
                (
                    download_request(uri, &self.request)?,
                    may_carry_token(uri, trusted.into_iter().flatten()),
                )
            }
            (None, Target::Operation { op, params, .. }) => {
                let request = match (token_base, prebuilt) {
                    (_, Some(built)) => *built,
                    (Some(base), None) => {
                        let mut config = self.request.clone();
                        base.clone_into(&mut config.base_url);
                        request::build_operation(op, params, &config)?
                    }
                    (None, None) => request::build_operation(op, params, &self.request)?,
                };
                (request, true)
            }
            (None, Target::Url(_)) => return Err(Error::internal("the call has nothing to send")),
        };
        for (name, value) in &c.headers {
            request.headers_mut().insert(name, value.clone());
        }
        if authorized {
            // `authorize` takes the bare token; the lifecycle hands out the
            // whole header value, which `TokenSet::authorization` always
            // writes as `Bearer <token>`.
            let raw = token
                .authorization
                .expose()
                .strip_prefix("Bearer ")
                .unwrap_or(token.authorization.expose());
            request::authorize(&mut request, &Secret::new(raw))?;
        }
        Ok((request, authorized))
    }

    fn api_outcome(&mut self, id: u64, outcome: Outcome, now: Timestamp) -> Action {
        let limits = self.body_limits;
        let Some(c) = self.calls.get_mut(&id) else {
            return Action::Done(Err(Error::internal("call vanished")));
        };
        let Phase::Sending {
            generation,
            deadline_bound,
        } = std::mem::replace(&mut c.phase, Phase::Ready)
        else {
            return Action::Done(Err(Error::internal("no request out")));
        };
        let op = c.operation();
        let response = match outcome {
            Outcome::Response(r) => r,
            Outcome::TooLarge => {
                let limit = if c.follows_redirects() {
                    limits.download
                } else {
                    limits.api
                };
                return self.finish(id, Err(Error::ResponseTooLarge { limit }));
            }
            Outcome::Failed(failure) => {
                // A request cut short by the call's deadline (its timeout was
                // the time left) ends the call as the deadline does
                // anywhere else, whatever the client called the failure.
                let cut = deadline_bound && failure.kind == TransportErrorKind::Timeout;
                if cut || c.past_deadline(now) {
                    return self.finish(id, Err(Error::Timeout));
                }
                let kind = failure.kind;
                let failure = match &c.sent_uri {
                    Some(uri) => failure.at(uri),
                    None => failure,
                };
                return self.retry_or_fail(id, Error::from(failure), Some(kind), now);
            }
            _ => return Action::Done(Err(Error::internal("unexpected outcome"))),
        };
        let status = response.status().as_u16();
        if c.follows_redirects() && (300..=399).contains(&status) {
            return match self.follow(id, &response) {
                Ok(()) => self.advance(id, now),
                Err(e) => self.finish(id, Err(e)),
            };
        }
        if let (false, Some(generation)) = (status == 401, generation) {
            self.lifecycle.accepted(generation);
        }
        let category = match &c.target {
            Target::Operation { op, .. } => op.rate_limit,
            Target::Url(_) => None,
        };
        let limiter = match &mut self.fleet {
            Some(f) => f.local_limiter(),
            None => self.limiter.as_mut(),
        };
        if let Some(limiter) = limiter {
            let info = RateLimitInfo::from_headers(response.headers());
            limiter.observe(category, status, &info, now);
        }
        if self.log.wants(LogLevel::Debug) {
            let tracking = response::tracking_id(response.headers());
            self.log.push(
                LogLevel::Debug,
                "response",
                format!("HTTP {status} for {}", op.id),
                [
                    ("call", json!(id)),
                    ("operation", json!(op.id)),
                    ("status", json!(status)),
                    ("tracking_id", json!(tracking)),
                ],
            );
        }
        let mut error = match response::classify(op, response) {
            Ok(mut reply) => {
                if let Some(c) = self.calls.get_mut(&id) {
                    reply.location = c.first_location.take();
                }
                return self.finish(id, Ok(reply));
            }
            Err(Error::Api(api)) => api,
            Err(other) => return self.finish(id, Err(other)),
        };
        error.received_at = Some(now);
        // Zoom's code 124: the token we sent is invalid or expired.
        if let (401, Some(124), Some(generation)) = (status, error.code, generation) {
            let verdict = self.lifecycle.rejected(generation);
            let Some(c) = self.calls.get_mut(&id) else {
                return Action::Done(Err(Error::internal("call vanished")));
            };
            return match verdict {
                lifecycle::Rejection::Retry if !c.renewed => {
                    // Resent at once with a new token; not a retry the policy counts.
                    c.renewed = true;
                    c.restart();
                    c.attempts = c.attempts.saturating_sub(1);
                    c.last_error = Some(Error::Api(error));
                    self.log.push(
                        LogLevel::Info,
                        "token.rejected",
                        "Zoom rejected the access token (code 124); renewing it".to_owned(),
                        [("call", json!(id))],
                    );
                    self.advance(id, now)
                }
                _ => self.finish(id, Err(Error::Api(error))),
            };
        }
        if let Target::Operation { op, params, .. } = &c.target {
            let sent_token = op
                .pagination
                .as_ref()
                .is_some_and(|p| params.get(&p.token_param).is_some_and(|t| !t.is_null()));
            if sent_token
                && paginate::is_expired_token_error(
                    status,
                    error.code,
                    error.message.as_deref().unwrap_or(""),
                )
            {
                return self.finish(id, Err(Error::PageTokenExpired));
            }
        }
        self.retry_or_fail(id, Error::Api(error), None, now)
    }

    /// Follows a 3xx of a download to its `Location`.
    fn follow(&mut self, id: u64, response: &http::Response<Vec<u8>>) -> Result<(), Error> {
        let Some(c) = self.calls.get_mut(&id) else {
            return Err(Error::internal("call vanished"));
        };
        let op = c.operation();
        let current = c.sent_uri.clone();
        let location = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok());
        let next = location.and_then(|loc| {
            current
                .as_ref()
                .and_then(|base| redirect::resolve(base, loc))
        });
        let status = response.status().as_u16();
        let problem = match next {
            Some(_) if c.redirects >= MAX_REDIRECTS => {
                format!("more than {MAX_REDIRECTS} redirects (HTTP {status})")
            }
            Some(uri) => {
                if c.first_location.is_none() {
                    c.first_location = Some(uri.to_string());
                }
                c.location = Some(uri);
                c.redirects += 1;
                return Ok(());
            }
            None => format!("HTTP {status} without a usable http(s) Location to follow"),
        };
        let tracking_id = response::tracking_id(response.headers());
        Err(response::DecodeError {
            operation: op.id.clone(),
            status,
            path: ".".to_owned(),
            message: problem,
            snippet: None,
            tracking_id,
        }
        .into())
    }

    /// Schedules the retry of a failed attempt (`error`, from a transport
    /// failure of `kind` or Zoom's answer) or ends the call with it.
    fn retry_or_fail(
        &mut self,
        id: u64,
        error: Error,
        kind: Option<TransportErrorKind>,
        now: Timestamp,
    ) -> Action {
        let Some(c) = self.calls.get_mut(&id) else {
            return Action::Done(Err(Error::internal("call vanished")));
        };
        let api = error.api_error();
        let verdict = match (kind, api) {
            (Some(kind), _) => retry::Outcome::Transport(kind),
            (None, Some(api)) => retry::Outcome::from_api_error(api),
            (None, None) => return self.finish(id, Err(error)),
        };
        let op = c.operation();
        let mut policy = self.retry.clone();
        if let Some(allow) = c.retry_writes {
            policy.retry_non_idempotent = allow;
        }
        if let Some(n) = c.max_attempts {
            policy.max_attempts = n;
        }
        let state = CallState {
            idempotent: op.is_idempotent(),
            attempts: c.attempts,
            started: c.started,
            deadline: c.deadline,
        };
        match policy.decide(&state, &verdict, now, &mut self.jitter) {
            Decision::Retry { at } => {
                let attempt = c.attempts;
                c.restart();
                c.not_before = Some(at);
                let wait_ms = at.saturating_duration_since(now).as_millis() as u64;
                if self.log.wants(LogLevel::Info) {
                    let reason = match (&error, kind) {
                        (_, Some(k)) => format!("{k:?}").to_ascii_lowercase(),
                        (e, None) => format!("HTTP {}", e.status().unwrap_or(0)),
                    };
                    self.log.push(
                        LogLevel::Info,
                        "retry",
                        format!(
                            "retrying {} in {wait_ms} ms after {reason} (attempt {attempt} of {})",
                            op.id, policy.max_attempts
                        ),
                        [
                            ("call", json!(id)),
                            ("operation", json!(op.id)),
                            ("attempt", json!(attempt)),
                            ("reason", json!(reason)),
                            ("status", json!(error.status())),
                            ("tracking_id", json!(error.tracking_id())),
                            ("wait_ms", json!(wait_ms)),
                        ],
                    );
                }
                let zoom_429 = error.status() == Some(429);
                let category = self.calls.get(&id).map(|c| c.category());
                if let Some(c) = self.calls.get_mut(&id) {
                    c.last_error = Some(error);
                }
                // The whole fleet holds off that category until Zoom's retry.
                if let (true, Some(category)) = (zoom_429, category) {
                    let wait = at.saturating_duration_since(now);
                    if let Some(action) = self.fleet_pause(id, category, wait, now) {
                        return action;
                    }
                }
                self.advance(id, now)
            }
            Decision::GiveUp(GiveUp::DailyLimitExceeded { reset_at }) => {
                let category = c.category();
                if let (Some(limiter), Some(reset)) = (self.local_limiter(), reset_at) {
                    limiter.stop_for_day(category, reset);
                }
                let api = match error {
                    Error::Api(api) => Some(api),
                    _ => None,
                };
                let error = Error::DailyLimitExceeded { reset_at, api };
                match reset_at {
                    Some(reset) => match self.fleet_block(id, reset, error, now) {
                        Ok(action) => action,
                        Err(error) => self.finish(id, Err(error)),
                    },
                    None => self.finish(id, Err(error)),
                }
            }
            Decision::GiveUp(_) => self.finish(id, Err(error)),
        }
    }

    /// The renewal with id `renewal` will not finish (its call is gone): its
    /// waiters start a new one instead of failing.
    pub(super) fn abandon_renewal(&mut self, renewal: lifecycle::RenewalId) {
        self.lifecycle.fail(
            renewal,
            OAuthError::RenewalFailed {
                message: "the call renewing the token was abandoned".to_owned(),
                cause: None,
            },
        );
        for other in self.calls.values_mut() {
            if other.waiting_on == Some(renewal) {
                other.waiting_on = None;
            }
        }
        self.wake = true;
    }
}

/// A GET of a download URL or redirect hop. Only `Accept` and `User-Agent`:
/// third-party hosts learn nothing else about the client.
fn download_request(uri: &Uri, config: &RequestConfig) -> Result<http::Request<Vec<u8>>, Error> {
    let agent = HeaderValue::from_str(&config.user_agent)
        .map_err(|_| Error::internal("the configured User-Agent is no header value"))?;
    let mut request = http::Request::new(Vec::new());
    *request.uri_mut() = uri.clone();
    request
        .headers_mut()
        .insert(ACCEPT, HeaderValue::from_static("*/*"));
    request.headers_mut().insert(USER_AGENT, agent);
    Ok(request)
}
