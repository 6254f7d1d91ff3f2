//! A token renewal, run by one call for the whole session: lock the store,
//! read it, ask Zoom (or the host's token source), write the new tokens,
//! unlock, as the store mode asks. Every step is *detached*: the host
//! finishes it even when the call that runs it is abandoned, so a rotated
//! refresh token is never lost with its call.

use serde_json::json;

use std::time::Duration;

use super::call::Phase;
use super::fleet::Translated;
use super::{Action, Outcome, Send, Session};
use crate::auth::lifecycle::{self, AfterReload, Persist, RenewalAction, RenewalId, Renewed};
use crate::auth::{OAuthError, TokenSource};
use crate::config::{LogLevel, StoreMode};
use crate::error::Error;
use crate::ratelimit::RateLimitInfo;
use crate::retry::{self, CallState, Decision};
use crate::time::Timestamp;

/// How long a renewal waits before it tries a local store's lock again,
/// while another client (another process, for a file) holds it.
const LOCK_RETRY_MS: u64 = 10;

/// What the renewal has out with the host.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Out {
    Lock,
    Read,
    Fetch,
    Send,
    Write,
    Unlock,
    /// Nothing: waiting to send the token request again.
    Backoff,
    /// Nothing: another client holds the store's lock (another worker of
    /// the fleet: then `Peek`; another process: then `Lock` again).
    LockWait,
    /// Reading the fleet's tokens without the lock, to adopt what its
    /// holder saved.
    Peek,
}

/// One renewal in progress. No `Debug`: it holds the token request.
pub(super) struct Renewal {
    pub(super) id: RenewalId,
    /// The store's lock is held for this renewal.
    pub(super) locked: bool,
    pub(super) out: Out,
    /// The token request, kept to send it again after a failure it is safe
    /// to repeat.
    pub(super) request: Option<http::Request<Vec<u8>>>,
    /// Token requests sent.
    pub(super) sends: u32,
    /// The fleet lock's fencing token, while held.
    pub(super) fence: Option<i64>,
    /// How the renewal ended, once it has (the lock may still be released).
    result: Option<Result<(), Error>>,
}

impl Renewal {
    /// Whether a detached action is out with the host.
    pub(super) fn is_out(&self) -> bool {
        !matches!(self.out, Out::Backoff | Out::LockWait)
    }
}

impl Session {
    /// Call `id` renews the session's token for everyone.
    pub(super) fn begin_renewal(
        &mut self,
        id: u64,
        renewal: lifecycle::Renewal,
        now: Timestamp,
    ) -> Action {
        let mut r = Renewal {
            id: renewal.attempt,
            locked: false,
            out: Out::Lock,
            request: None,
            sends: 0,
            fence: None,
            result: None,
        };
        let grant = grant_name(self);
        self.log.push(
            LogLevel::Info,
            "token.renew",
            format!("renewing the access token ({grant})"),
            [("call", json!(id)), ("grant", json!(grant))],
        );
        let expires_at = self.calls.get(&id).and_then(|c| c.deadline);
        let action = match renewal.action {
            RenewalAction::Reload if !self.fleet.as_ref().is_none_or(|f| f.online(now)) => {
                return self.renew_alone(id, r, now);
            }
            RenewalAction::Reload => self.store_action(Out::Lock, &r, expires_at, None),
            RenewalAction::External => {
                r.out = Out::Fetch;
                Action::FetchToken { expires_at }
            }
            RenewalAction::Send(request) => {
                r.request = Some(*request);
                return self.send_token(id, r, now);
            }
        };
        self.put(id, r);
        action
    }

    fn put(&mut self, id: u64, r: Renewal) {
        if let Some(c) = self.calls.get_mut(&id) {
            c.phase = Phase::Renewing(Box::new(r));
        }
    }

    pub(super) fn send_token(&mut self, id: u64, mut r: Renewal, now: Timestamp) -> Action {
        let Some(request) = r.request.as_ref().map(copy_request) else {
            return self.end_renewal(id, r, Err(Error::internal("no token request to send")), now);
        };
        r.sends += 1;
        r.out = Out::Send;
        let expires_at = self.calls.get(&id).and_then(|c| c.deadline);
        let action = Action::Send(Send {
            request,
            body_limit: self.body_limits.api,
            // Not cut by the call's deadline: the answer may hold a rotated
            // refresh token, which must arrive even if the caller is gone.
            timeout: self.timeouts.attempt,
            detached: true,
            expires_at,
        });
        self.put(id, r);
        action
    }

    /// The outcome of the renewal step call `id` had out.
    pub(super) fn renewal_outcome(&mut self, id: u64, outcome: Outcome, now: Timestamp) -> Action {
        let Some(c) = self.calls.get_mut(&id) else {
            return Action::Done(Err(Error::internal("call vanished")));
        };
        let Phase::Renewing(r) = std::mem::replace(&mut c.phase, Phase::Ready) else {
            return Action::Done(Err(Error::internal("no renewal running")));
        };
        let mut r = *r;
        let outcome = match outcome {
            Outcome::Shared(reply) => match self.translate(r.out, &mut r, reply) {
                Translated::Outcome(o) => o,
                Translated::Held(ms) => return self.wait_for_lock(id, r, ms, now),
                Translated::Offline(problem) => {
                    self.degrade(&problem, now);
                    return match r.out {
                        // The tokens are in the session; the lease runs out.
                        Out::Write => self.end_renewal(id, r, Ok(()), now),
                        Out::Unlock => {
                            r.locked = false;
                            self.done_renewal(id, r, now)
                        }
                        _ => self.renew_alone(id, r, now),
                    };
                }
            },
            other => other,
        };
        match (r.out, outcome) {
            (Out::Lock, Outcome::Locked) => {
                r.locked = true;
                r.out = Out::Read;
                let expires_at = self.calls.get(&id).and_then(|c| c.deadline);
                let action = self.store_action(Out::Read, &r, expires_at, None);
                self.put(id, r);
                action
            }
            (Out::Lock, Outcome::LockBusy) => self.wait_for_lock(id, r, LOCK_RETRY_MS, now),
            (Out::LockWait, Outcome::Woken) => {
                if self.calls.get(&id).is_some_and(|c| c.past_deadline(now)) {
                    self.abandon_renewal(r.id);
                    return self.end_renewal(id, r, Err(Error::Timeout), now);
                }
                // A fleet's tokens may be read without its lock; a local
                // store only under it (a store of the user's may not
                // replace what it holds atomically).
                r.out = if self.fleet.is_some() {
                    Out::Peek
                } else {
                    Out::Lock
                };
                let expires_at = self.calls.get(&id).and_then(|c| c.deadline);
                let action = self.store_action(r.out, &r, expires_at, None);
                self.put(id, r);
                action
            }
            (Out::Peek, Outcome::Stored(stored)) => {
                // Adopt what the lock's holder saved if it is fresh; else try
                // for the lock again (the holder may have given up).
                let fresh = stored.as_ref().is_some_and(|t| {
                    t.is_fresh(now, self.lifecycle.settings().refresh_skew)
                        && self
                            .lifecycle
                            .tokens()
                            .is_none_or(|c| c.access_token != t.access_token)
                });
                if fresh {
                    return match self.lifecycle.stored(r.id, stored, now) {
                        Ok(AfterReload::Acquire) => {
                            self.wake = true;
                            self.end_renewal(id, r, Ok(()), now)
                        }
                        _ => {
                            r.out = Out::Lock;
                            let expires_at = self.calls.get(&id).and_then(|c| c.deadline);
                            let action = self.store_action(Out::Lock, &r, expires_at, None);
                            self.put(id, r);
                            action
                        }
                    };
                }
                r.out = Out::Lock;
                let expires_at = self.calls.get(&id).and_then(|c| c.deadline);
                let action = self.store_action(Out::Lock, &r, expires_at, None);
                self.put(id, r);
                action
            }
            (Out::Peek, Outcome::StoreFailed(message)) => {
                let err = Error::TokenStore { message };
                self.lifecycle.fail(r.id, err.clone());
                self.wake = true;
                self.end_renewal(id, r, Err(err), now)
            }
            (Out::Lock | Out::Read, Outcome::StoreFailed(message)) => {
                let err = Error::TokenStore { message };
                self.lifecycle.fail(r.id, err.clone());
                self.wake = true;
                self.end_renewal(id, r, Err(err), now)
            }
            (Out::Read, Outcome::Stored(stored)) => {
                match self.lifecycle.stored(r.id, stored, now) {
                    Ok(AfterReload::Acquire) => {
                        self.wake = true;
                        self.end_renewal(id, r, Ok(()), now)
                    }
                    Ok(AfterReload::Renew(RenewalAction::Send(request))) => {
                        r.request = Some(*request);
                        r.sends = 0;
                        self.send_token(id, r, now)
                    }
                    Ok(AfterReload::Renew(RenewalAction::External | RenewalAction::Reload)) => {
                        let err = Error::internal(
                            "the token store was read again without a token request",
                        );
                        self.lifecycle.fail(r.id, err.clone());
                        self.wake = true;
                        self.end_renewal(id, r, Err(err), now)
                    }
                    Err(e) => {
                        self.wake = true;
                        self.end_renewal(id, r, Err(e.into()), now)
                    }
                }
            }
            (Out::Send, Outcome::Response(response)) => {
                let status = response.status().as_u16();
                if status >= 429 && status != 501 {
                    let info = RateLimitInfo::from_headers(response.headers());
                    let verdict = retry::Outcome::Response {
                        status,
                        rate_limit: &info,
                        zoom_code: None,
                        message: None,
                    };
                    if let Some(at) = self.token_retry_at(id, &r, &verdict, now) {
                        return self.back_off(id, r, at, &format!("HTTP {status}"), now);
                    }
                }
                let tracking_id = crate::response::tracking_id(response.headers());
                match self.lifecycle.complete_renewal(r.id, &response, now) {
                    Ok(Renewed::Done(persist)) => {
                        self.wake = true;
                        self.renewed(id, r, persist, now)
                    }
                    Ok(Renewed::Reload) => {
                        r.out = Out::Read;
                        let expires_at = self.calls.get(&id).and_then(|c| c.deadline);
                        let action = self.store_action(Out::Read, &r, expires_at, None);
                        self.put(id, r);
                        action
                    }
                    Err(e) => {
                        self.wake = true;
                        self.token_failed(&e, tracking_id.as_deref());
                        self.end_renewal(id, r, Err(e.into()), now)
                    }
                }
            }
            (Out::Send, Outcome::TooLarge) => {
                let err = Error::ResponseTooLarge {
                    limit: self.body_limits.api,
                };
                self.lifecycle.fail(r.id, err.clone());
                self.wake = true;
                self.end_renewal(id, r, Err(err), now)
            }
            (Out::Send, Outcome::Failed(failure)) => {
                let kind = failure.kind;
                let failure = match r.request.as_ref() {
                    Some(req) => failure.at(req.uri()),
                    None => failure,
                };
                let verdict = retry::Outcome::Transport(kind);
                if let Some(at) = self.token_retry_at(id, &r, &verdict, now) {
                    let reason = format!("{kind:?}").to_ascii_lowercase();
                    return self.back_off(id, r, at, &reason, now);
                }
                let err = Error::from(failure);
                self.token_failed(&err, None);
                self.lifecycle.fail(r.id, err.clone());
                self.wake = true;
                self.end_renewal(id, r, Err(err), now)
            }
            (Out::Fetch, Outcome::Token(answer)) => {
                let answer = answer.map_err(|failure| OAuthError::RenewalFailed {
                    message: format!("the token source failed: {}", failure.message),
                    cause: failure.cause,
                });
                match self.lifecycle.complete_external(r.id, answer, now) {
                    Ok(persist) => {
                        self.wake = true;
                        self.renewed(id, r, persist, now)
                    }
                    Err(e) => {
                        self.wake = true;
                        self.token_failed(&e, None);
                        self.end_renewal(id, r, Err(e.into()), now)
                    }
                }
            }
            (Out::Write, Outcome::Written) => {
                self.store_write_event();
                let result = r.result.take().unwrap_or(Ok(()));
                self.end_renewal(id, r, result, now)
            }
            (Out::Write, Outcome::StoreFailed(message)) => {
                // The new tokens work (the session uses them), but they are
                // not saved: the caller must know before it loses them.
                self.end_renewal(id, r, Err(Error::TokenStore { message }), now)
            }
            (Out::Unlock, Outcome::Unlocked) => {
                r.locked = false;
                self.done_renewal(id, r, now)
            }
            (Out::Unlock, Outcome::StoreFailed(message)) => {
                r.locked = false;
                if r.result.as_ref().is_none_or(Result::is_ok) {
                    r.result = Some(Err(Error::TokenStore { message }));
                }
                self.done_renewal(id, r, now)
            }
            (Out::Backoff, Outcome::Woken) => self.backoff_over(id, r, now),
            (out, outcome) => {
                self.put(id, r);
                let problem = format!("{outcome:?} does not answer the renewal's {out:?}");
                let renewal = match self.calls.get(&id).map(|c| &c.phase) {
                    Some(Phase::Renewing(r)) => Some(r.id),
                    _ => None,
                };
                if let Some(renewal) = renewal {
                    self.abandon_renewal(renewal);
                }
                self.finish(id, Err(Error::internal(problem)))
            }
        }
    }

    /// When to send a failed token request again, if that is safe: every
    /// grant after a connection that never opened; the grants whose request
    /// can be repeated (account and client credentials) after a reset, a
    /// timeout, a 5xx or a 429; never a refresh whose token may be spent.
    fn token_retry_at(
        &mut self,
        id: u64,
        r: &Renewal,
        verdict: &retry::Outcome<'_>,
        now: Timestamp,
    ) -> Option<Timestamp> {
        let c = self.calls.get(&id)?;
        if c.orphan {
            return None;
        }
        let state = CallState {
            idempotent: self.token_request_idempotent,
            attempts: r.sends,
            started: c.started,
            deadline: c.deadline,
        };
        match self.retry.decide(&state, verdict, now, &mut self.jitter) {
            Decision::Retry { at } => Some(at),
            Decision::GiveUp(_) => None,
        }
    }

    fn back_off(
        &mut self,
        id: u64,
        mut r: Renewal,
        at: Timestamp,
        reason: &str,
        now: Timestamp,
    ) -> Action {
        r.out = Out::Backoff;
        let wait_ms = at.saturating_duration_since(now).as_millis() as u64;
        self.log.push(
            LogLevel::Info,
            "token.retry",
            format!("sending the token request again in {wait_ms} ms after {reason}"),
            [
                ("call", json!(id)),
                ("reason", json!(reason)),
                ("wait_ms", json!(wait_ms)),
            ],
        );
        let Some(until) = self.calls.get(&id).map(|c| c.bounded(at)) else {
            return Action::Done(Err(Error::internal("call vanished")));
        };
        // A backoff of 0 ms (full jitter can draw it) or a deadline already
        // reached: a Wait until now would have the host spin, so go on.
        if until <= now {
            return self.backoff_over(id, r, now);
        }
        self.put(id, r);
        Action::Wait { until }
    }

    /// The backoff between two token requests is over: send again, unless
    /// the caller's time is up.
    fn backoff_over(&mut self, id: u64, r: Renewal, now: Timestamp) -> Action {
        let deadline_passed = self.calls.get(&id).is_some_and(|c| c.past_deadline(now));
        if deadline_passed {
            // The caller's time is up: give the renewal up (the
            // waiters start their own) and end with the deadline.
            self.abandon_renewal(r.id);
            return self.end_renewal(id, r, Err(Error::Timeout), now);
        }
        self.send_token(id, r, now)
    }

    /// A new token set is in use; it is written to the store when there is one.
    fn renewed(
        &mut self,
        id: u64,
        mut r: Renewal,
        persist: Option<Persist>,
        now: Timestamp,
    ) -> Action {
        if self.log.wants(LogLevel::Info) {
            let expires = self.lifecycle.tokens().and_then(|t| t.expires_at);
            self.log.push(
                LogLevel::Info,
                "token.renewed",
                "renewed the access token".to_owned(),
                [
                    ("call", json!(id)),
                    ("expires_at", json!(expires.map(Timestamp::as_millis))),
                ],
            );
        }
        let writes = match &self.fleet {
            // Offline, only this process's own (account) tokens were fetched.
            Some(f) => f.online(now) && r.locked,
            None => matches!(self.store, StoreMode::Private | StoreMode::Shared),
        };
        match persist {
            Some(Persist(tokens)) if writes => {
                r.out = Out::Write;
                r.result = Some(Ok(()));
                let expires_at = self.calls.get(&id).and_then(|c| c.deadline);
                let action = self.store_action(Out::Write, &r, expires_at, Some(tokens));
                self.put(id, r);
                action
            }
            _ => self.end_renewal(id, r, Ok(()), now),
        }
    }

    /// The renewal's outcome is known: release the store's lock if held,
    /// then go on.
    pub(super) fn end_renewal(
        &mut self,
        id: u64,
        mut r: Renewal,
        result: Result<(), Error>,
        now: Timestamp,
    ) -> Action {
        r.result = Some(result);
        if r.locked {
            r.out = Out::Unlock;
            let action = self.store_action(Out::Unlock, &r, None, None);
            self.put(id, r);
            return action;
        }
        self.done_renewal(id, r, now)
    }

    /// Releases the lock of the renewal call `id` runs (its caller left
    /// during a backoff).
    pub(super) fn release_renewal(&mut self, id: u64, _now: Timestamp) -> Action {
        let Some(c) = self.calls.get_mut(&id) else {
            return Action::Done(Err(Error::Cancelled));
        };
        let Phase::Renewing(r) = std::mem::replace(&mut c.phase, Phase::Ready) else {
            return Action::Done(Err(Error::Cancelled));
        };
        let mut r = *r;
        r.out = Out::Unlock;
        r.result = Some(Err(Error::Cancelled));
        let action = self.store_action(Out::Unlock, &r, None, None);
        self.put(id, r);
        action
    }

    /// Another client holds the store's lock: look again soon (within
    /// `ttl_ms`, the lock's time left where the fleet says), and no later
    /// than the call's deadline.
    fn wait_for_lock(&mut self, id: u64, mut r: Renewal, ttl_ms: u64, now: Timestamp) -> Action {
        let wait = Duration::from_millis(ttl_ms.clamp(10, 50));
        let Some(until) = self
            .calls
            .get(&id)
            .map(|c| c.bounded(now.saturating_add(wait)))
        else {
            return Action::Done(Err(Error::internal("call vanished")));
        };
        // The lock came back busy after the caller's deadline: a Wait until
        // that deadline would have the host spin, so the call ends here.
        if until <= now {
            self.abandon_renewal(r.id);
            return self.end_renewal(id, r, Err(Error::Timeout), now);
        }
        r.out = Out::LockWait;
        self.put(id, r);
        Action::Wait { until }
    }

    /// The renewal is over: the call goes on with its own request (or ends
    /// with the renewal's error).
    pub(super) fn done_renewal(&mut self, id: u64, r: Renewal, now: Timestamp) -> Action {
        let result = r.result.unwrap_or(Ok(()));
        if let Some(c) = self.calls.get_mut(&id) {
            c.phase = Phase::Ready;
        }
        match result {
            Ok(()) => self.advance(id, now),
            Err(e) => {
                let orphan = self.calls.get(&id).is_some_and(|c| c.orphan);
                self.finish(id, Err(if orphan { Error::Cancelled } else { e }))
            }
        }
    }

    fn token_failed(&mut self, error: &dyn std::fmt::Display, tracking_id: Option<&str>) {
        self.log.push(
            LogLevel::Warn,
            "token.failed",
            format!("the token renewal failed: {error}"),
            [("tracking_id", json!(tracking_id))],
        );
    }

    fn store_write_event(&mut self) {
        let store = self.store.to_string();
        self.log.push(
            LogLevel::Debug,
            "store.write",
            "saved the new tokens to the token store".to_owned(),
            [("store", json!(store))],
        );
    }
}

fn grant_name(session: &Session) -> &'static str {
    match session.lifecycle.source() {
        TokenSource::ServerToServer(_) => "account_credentials",
        TokenSource::ClientCredentials(_) => "client_credentials",
        TokenSource::RefreshToken(_) => "refresh_token",
        TokenSource::External => "token_source",
        _ => "fixed",
    }
}

/// A copy of a request: `http::Request` is not `Clone` (its extensions
/// need not be); ours carry none.
pub(super) fn copy_request(request: &http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}
