//! The token lifecycle of one session, as a pure state machine shared by all
//! of the session's concurrent calls (the host keeps it behind one lock).
//!
//! It decides whether the current token is usable at `now` (with a refresh
//! skew), which request renews it (a server-to-server re-fetch, the refresh
//! grant, client credentials, or the host's own token source), and makes sure
//! only one renewal runs at a time: the first caller that needs a new token
//! is told to renew, every other caller is told to wait for that attempt.
//! It never does IO: a renewed token set comes back as [`Persist`], which the
//! host must write to its token store (atomically: with rotating refresh
//! tokens, losing the newest one logs the user out).
//!
//! # How a per-call driver embeds it
//!
//! ```text
//! // before each send, under the session lock:
//! match lifecycle.acquire(now, waiting_on) {
//!     Access::Ready(token)        => send the API request with token.authorization,
//!                                    remember token.generation
//!     Access::Renew(renewal)      => if Send(req): send it, then
//!                                      lifecycle.complete(renewal.attempt, &resp, now)
//!                                    if External: ask the host's token source, then
//!                                      lifecycle.complete_external(renewal.attempt, result, now)
//!                                    a transport failure: lifecycle.fail(attempt, err)
//!                                    persist the returned Persist, then acquire again
//!     Access::Wait { attempt, until } => waiting_on = Some(attempt); poll again when the
//!                                    renewer completes (host wakes waiters) or at `until`
//!     Access::Failed(err)         => the call fails with Error::OAuth(err)
//! }
//! // after a 401 whose body has Zoom code 124:
//! match lifecycle.rejected(generation) {
//!     Rejection::Retry   => acquire again and resend (once per call)
//!     Rejection::Fail(e) => the call fails
//! }
//! ```
//!
//! A renewer that disappears (dropped future, crashed worker) does not block
//! the session: after `renewal_timeout` the next caller starts a new attempt.
//!
//! # A token store shared with other sessions
//!
//! Zoom rotates refresh tokens: when two sessions (two clients, two
//! processes) share one store, a session's own copy of the refresh token
//! may have been used and rotated away by the other. With
//! [`TokenLifecycle::set_store_reload`] on, every renewal starts with
//! [`RenewalAction::Reload`]: the renewer reads the store (under the store's
//! lock, held until the renewal's result is saved) and hands the stored set
//! to [`TokenLifecycle::stored`], which adopts it when it is newer than the
//! session's own. A fresh stored access token ends the renewal without any
//! token request; otherwise the refresh goes out with the stored refresh
//! token. An `invalid_grant` answer to a refresh ([`TokenLifecycle::complete_renewal`])
//! asks for one more read of the store and a retry if it changed; if it did
//! not, the refresh token is dead and the lifecycle answers
//! [`OAuthError::ReauthorizationRequired`] until new tokens are installed.

use std::collections::VecDeque;
use std::time::Duration;

use super::config::OAuthConfig;
use super::error::{OAuthError, OAuthErrorKind};
use super::flows::{client_credentials_request, refresh_request, server_to_server_request};
use super::token::{TokenSet, parse_refresh_response, parse_token_response};
use crate::secret::Secret;
use crate::time::Timestamp;

/// How many failed attempts are remembered for late waiters.
const REMEMBERED_FAILURES: usize = 16;

/// Where a new token comes from when the current one runs out.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum TokenSource {
    /// Server-to-server OAuth: fetch a new token with the account credentials.
    ServerToServer(OAuthConfig),
    /// User tokens: the refresh grant with the current refresh token.
    RefreshToken(OAuthConfig),
    /// The client credentials grant.
    ClientCredentials(OAuthConfig),
    /// The host supplies tokens itself (its own vault, another service).
    External,
    /// A fixed token: when it expires or is rejected, calls fail.
    Fixed,
}

/// Tunables of the lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct LifecycleSettings {
    /// Renew this long before `expires_at`, so a token never expires in flight.
    pub refresh_skew: Duration,
    /// A renewal not completed within this is presumed lost; the next caller
    /// starts another.
    pub renewal_timeout: Duration,
}

impl Default for LifecycleSettings {
    fn default() -> Self {
        LifecycleSettings {
            refresh_skew: Duration::from_secs(60),
            renewal_timeout: Duration::from_secs(30),
        }
    }
}

/// Which installed token a call used; counts up with every new token.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Generation(pub u64);

/// One renewal; waiters hold its id to learn how it ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RenewalId(pub u64);

/// A token ready for an API call.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct AccessToken {
    /// The whole `Authorization` header value: `Bearer …`.
    pub authorization: Secret,
    pub generation: Generation,
    /// `api_url` + `/v2` when Zoom named a regional host, else the global one.
    pub api_base_url: String,
}

/// What the caller must do to obtain a new token.
#[derive(Debug)]
pub enum RenewalAction {
    /// Send this token request and pass the response to [`TokenLifecycle::complete`].
    Send(Box<http::Request<Vec<u8>>>),
    /// Ask the host's token source and pass the result to
    /// [`TokenLifecycle::complete_external`].
    External,
    /// Read the token store and pass what it holds to
    /// [`TokenLifecycle::stored`] (only with [`TokenLifecycle::set_store_reload`]).
    Reload,
}

/// What [`TokenLifecycle::stored`] decided.
#[derive(Debug)]
pub enum AfterReload {
    /// The renewal is over (the store held a fresh token, now installed, or
    /// another renewer took over): acquire again.
    Acquire,
    /// Renew with this, as for [`Access::Renew`] (same attempt).
    Renew(RenewalAction),
}

/// What [`TokenLifecycle::complete_renewal`] decided.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "the host must persist a new token set, or re-read the store"]
pub enum Renewed {
    /// As [`TokenLifecycle::complete`]'s `Ok`.
    Done(Option<Persist>),
    /// The refresh token was refused: read the store again and pass it to
    /// [`TokenLifecycle::stored`] (same attempt).
    Reload,
}

/// This caller is the renewer for `attempt`.
#[derive(Debug)]
#[non_exhaustive]
pub struct Renewal {
    pub attempt: RenewalId,
    pub action: RenewalAction,
}

/// The answer to "may I call Zoom now, and with which token?".
#[derive(Debug)]
pub enum Access {
    Ready(AccessToken),
    Renew(Renewal),
    /// Another caller is renewing: poll again (with `waiting_on =
    /// Some(attempt)`) when it completes, or at `until` at the latest.
    Wait {
        attempt: RenewalId,
        until: Timestamp,
    },
    Failed(crate::Error),
}

/// A new token set the host must write to its token store.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use = "the host must persist the new token set"]
pub struct Persist(pub TokenSet);

/// The verdict on a 401 / code 124.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Rejection {
    /// A new token is (being) fetched: acquire again and resend once.
    Retry,
    /// The token was itself fresh from a renewal forced by a 124: fail.
    Fail(OAuthError),
}

#[derive(Debug, Clone)]
struct Installed {
    tokens: TokenSet,
    generation: Generation,
    /// From which attempt (0 = installed by the host).
    attempt: u64,
    /// Obtained by a renewal that a code-124 rejection forced.
    forced: bool,
    /// Zoom rejected it: never hand it out again.
    rejected: bool,
    /// When a renewal brought it (`None` for a token the host installed).
    received_at: Option<Timestamp>,
    /// Zoom refused its refresh token (`invalid_grant`): never send it
    /// again. The refusal is kept as the evidence of the errors that follow.
    refresh_refused: Option<Box<OAuthError>>,
}

impl Installed {
    /// The refresh margin for this token: the configured skew, but for a
    /// token this session just renewed never more than half its lifetime. A
    /// token that lives shorter than the skew (a test server's 30 s, a token
    /// source's 60 s) would otherwise count as stale the moment it arrives and
    /// be fetched again in a loop. A token read from a store counts from the
    /// read: its age is unknown, but half of what it had left then is still
    /// a margin, and workers sharing one short-lived token (the fleet, a
    /// test server's token) would otherwise each renew it the moment they
    /// read it.
    fn skew(&self, configured: Duration) -> Duration {
        match (self.received_at, self.tokens.expires_at) {
            (Some(received), Some(expires_at)) => {
                configured.min(expires_at.saturating_duration_since(received) / 2)
            }
            _ => configured,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct InFlight {
    attempt: u64,
    deadline: Timestamp,
    forced: bool,
    /// The store was read again after an `invalid_grant` in this renewal.
    reread: bool,
}

/// The token state of one session. See the module docs for the protocol.
#[derive(Debug, Clone)]
pub struct TokenLifecycle {
    source: TokenSource,
    settings: LifecycleSettings,
    current: Option<Installed>,
    in_flight: Option<InFlight>,
    /// The next renewal was forced by a code-124 rejection.
    force_pending: bool,
    failures: VecDeque<(u64, crate::Error)>,
    last_generation: u64,
    last_attempt: u64,
    /// Renewals start by reading the host's (shared) token store.
    store_reload: bool,
    /// No renewal before this (the fleet's lock is out of reach): the
    /// current token is used until it really expires.
    hold_until: Option<Timestamp>,
}

impl TokenLifecycle {
    pub fn new(source: TokenSource, settings: LifecycleSettings) -> Self {
        TokenLifecycle {
            source,
            settings,
            current: None,
            in_flight: None,
            force_pending: false,
            failures: VecDeque::new(),
            last_generation: 0,
            last_attempt: 0,
            store_reload: false,
            hold_until: None,
        }
    }

    /// Whether each renewal starts with [`RenewalAction::Reload`] (see the
    /// module docs): for a token store other sessions write too. Ignored for
    /// external and fixed tokens.
    pub fn set_store_reload(&mut self, on: bool) {
        self.store_reload = on;
    }

    /// Start from a token set the host loaded from its store (or obtained by
    /// the authorization-code or device flow). Returns its generation.
    pub fn install(&mut self, tokens: TokenSet) -> Generation {
        self.put(tokens, 0, false, None)
    }

    /// Start from a token set read from the token store (or the fleet's) at
    /// `now`: its refresh margin counts from the read (see `skew`).
    pub fn install_read(&mut self, tokens: TokenSet, now: Timestamp) -> Generation {
        self.put(tokens, 0, false, Some(now))
    }

    /// The token set in use, if any (for display of scopes, expiry, ...).
    pub fn tokens(&self) -> Option<&TokenSet> {
        self.current.as_ref().map(|c| &c.tokens)
    }

    /// Where new tokens come from.
    pub fn source(&self) -> &TokenSource {
        &self.source
    }

    pub fn settings(&self) -> LifecycleSettings {
        self.settings
    }

    /// May the caller call Zoom at `now`? `waiting_on` is the attempt this
    /// caller was told to wait for, if any.
    pub fn acquire(&mut self, now: Timestamp, waiting_on: Option<RenewalId>) -> Access {
        if let Some(current) = self.usable() {
            if current
                .tokens
                .is_fresh(now, current.skew(self.settings.refresh_skew))
            {
                return Access::Ready(ready(current));
            }
        }
        if let Some(until) = self.hold_until.filter(|u| now < *u) {
            if let Some(current) = self
                .usable()
                .filter(|c| c.tokens.is_fresh(now, Duration::ZERO))
            {
                return Access::Ready(ready(current));
            }
            return Access::Wait {
                attempt: RenewalId(0),
                until,
            };
        }
        if let Some(RenewalId(waited)) = waiting_on {
            if let Some((_, err)) = self.failures.iter().find(|(a, _)| *a == waited) {
                return Access::Failed(err.clone());
            }
        }
        if let Some(flight) = self.in_flight.filter(|f| now < f.deadline) {
            // While someone renews, a token inside its skew window still works.
            if let Some(current) = self.usable() {
                if current.tokens.is_fresh(now, Duration::ZERO) {
                    return Access::Ready(ready(current));
                }
            }
            return Access::Wait {
                attempt: RenewalId(flight.attempt),
                until: flight.deadline,
            };
        }
        let reload =
            self.store_reload && !matches!(self.source, TokenSource::External | TokenSource::Fixed);
        let action = if reload {
            RenewalAction::Reload
        } else {
            match self.renewal_action() {
                Ok(action) => action,
                Err(err) => return Access::Failed(err.into()),
            }
        };
        // A lost renewer's duty carries over: if it was forced by a 124, so is this one.
        let forced = self.force_pending || self.in_flight.is_some_and(|f| f.forced);
        self.last_attempt += 1;
        self.in_flight = Some(InFlight {
            attempt: self.last_attempt,
            deadline: now.saturating_add(self.settings.renewal_timeout),
            forced,
            reread: false,
        });
        self.force_pending = false;
        Access::Renew(Renewal {
            attempt: RenewalId(self.last_attempt),
            action,
        })
    }

    /// The renewer's token-endpoint response for `attempt`, received at `now`.
    /// A refresh response without a refresh token keeps the previous one. A
    /// refused refresh token (`invalid_grant`) fails with
    /// [`OAuthError::ReauthorizationRequired`]; with store reload on, use
    /// [`TokenLifecycle::complete_renewal`], which asks for a re-read first.
    pub fn complete(
        &mut self,
        attempt: RenewalId,
        response: &http::Response<Vec<u8>>,
        now: Timestamp,
    ) -> Result<Option<Persist>, OAuthError> {
        match self.complete_renewal(attempt, response, now)? {
            Renewed::Done(persist) => Ok(persist),
            Renewed::Reload => {
                self.end_flight(attempt.0);
                let err = self.reauthorization_required();
                self.remember_failure(attempt.0, err.clone());
                Err(err)
            }
        }
    }

    /// [`TokenLifecycle::complete`], with the store re-read that a refused
    /// refresh token calls for when store reload is on.
    pub fn complete_renewal(
        &mut self,
        attempt: RenewalId,
        response: &http::Response<Vec<u8>>,
        now: Timestamp,
    ) -> Result<Renewed, OAuthError> {
        let parsed = match &self.source {
            TokenSource::RefreshToken(_) => {
                let previous = self
                    .current
                    .as_ref()
                    .and_then(|c| c.tokens.refresh_token.as_ref());
                parse_refresh_response(response, previous, now)
            }
            _ => parse_token_response(response, now),
        }
        .map_err(|e| self.at_token_endpoint(e));
        let refusal = match parsed {
            Err(e)
                if matches!(self.source, TokenSource::RefreshToken(_))
                    && e.kind() == Some(&OAuthErrorKind::InvalidGrant) =>
            {
                Box::new(e)
            }
            parsed => {
                return self
                    .complete_external(attempt, parsed, now)
                    .map(Renewed::Done);
            }
        };
        // The refresh token this attempt sent is dead, unless a newer set
        // was installed meanwhile (then it was not this one).
        if let Some(current) = self.current.as_mut().filter(|c| c.attempt <= attempt.0) {
            current.refresh_refused = Some(refusal.clone());
        }
        let flight = self.in_flight.as_mut().filter(|f| f.attempt == attempt.0);
        match flight {
            Some(flight) if self.store_reload && !flight.reread => {
                flight.reread = true;
                flight.deadline = now.saturating_add(self.settings.renewal_timeout);
                Ok(Renewed::Reload)
            }
            _ => {
                self.end_flight(attempt.0);
                let err = OAuthError::ReauthorizationRequired {
                    refusal: Some(refusal),
                };
                self.remember_failure(attempt.0, err.clone());
                Err(err)
            }
        }
    }

    /// `err`, naming the token endpoint this session's renewals go to.
    fn at_token_endpoint(&self, err: OAuthError) -> OAuthError {
        match &self.source {
            TokenSource::ServerToServer(config)
            | TokenSource::RefreshToken(config)
            | TokenSource::ClientCredentials(config) => {
                err.at_endpoint(&config.endpoint(super::flows::TOKEN_PATH))
            }
            TokenSource::External | TokenSource::Fixed => err,
        }
    }

    /// The refresh token is dead and nothing newer is known, with Zoom's
    /// refusal when this session received it.
    fn reauthorization_required(&self) -> OAuthError {
        OAuthError::ReauthorizationRequired {
            refusal: self
                .current
                .as_ref()
                .and_then(|c| c.refresh_refused.clone()),
        }
    }

    /// What the token store held when the renewer of `attempt` read it
    /// (after [`RenewalAction::Reload`] or [`Renewed::Reload`]). A stored set
    /// other than the session's own is adopted: when its access token is
    /// fresh, the renewal ends there; else it is renewed with the stored
    /// refresh token. Nothing new stored after a refused refresh token:
    /// [`OAuthError::ReauthorizationRequired`].
    pub fn stored(
        &mut self,
        attempt: RenewalId,
        stored: Option<TokenSet>,
        now: Timestamp,
    ) -> Result<AfterReload, OAuthError> {
        let Some(flight) = self.in_flight.filter(|f| f.attempt == attempt.0) else {
            // Presumed lost and taken over by another renewer.
            return Ok(AfterReload::Acquire);
        };
        let newer = stored.filter(|s| {
            self.current
                .as_ref()
                .is_none_or(|c| !same_tokens(&c.tokens, s))
        });
        if let Some(tokens) = newer {
            self.put(tokens, attempt.0, false, Some(now));
            let fresh = self
                .current
                .as_ref()
                .is_some_and(|c| c.tokens.is_fresh(now, c.skew(self.settings.refresh_skew)));
            if fresh {
                self.end_flight(attempt.0);
                return Ok(AfterReload::Acquire);
            }
        } else if flight.reread
            || self
                .current
                .as_ref()
                .is_some_and(|c| c.refresh_refused.is_some())
        {
            self.end_flight(attempt.0);
            let err = self.reauthorization_required();
            self.remember_failure(attempt.0, err.clone());
            return Err(err);
        }
        match self.renewal_action() {
            Ok(action) => Ok(AfterReload::Renew(action)),
            Err(err) => {
                self.end_flight(attempt.0);
                self.remember_failure(attempt.0, err.clone());
                Err(err)
            }
        }
    }

    /// Ends renewal `attempt` without a result and allows none before
    /// `until`: the current token is handed out until it really expires
    /// (no refresh skew), then callers wait. For a refresh token that may
    /// only be renewed under a lock that is out of reach.
    pub fn hold(&mut self, attempt: RenewalId, until: Timestamp) {
        self.end_flight(attempt.0);
        self.hold_until = Some(until);
    }

    /// The renewal under way, if any (its id, and when it counts as lost).
    pub fn renewing(&self) -> Option<(RenewalId, Timestamp)> {
        self.in_flight.map(|f| (RenewalId(f.attempt), f.deadline))
    }

    fn end_flight(&mut self, attempt: u64) {
        if self.in_flight.is_some_and(|f| f.attempt == attempt) {
            self.in_flight = None;
        }
    }

    /// The outcome of `attempt` from the host's token source (or any renewal
    /// the host parsed itself). `Ok(None)`: the attempt was superseded by a
    /// newer token, nothing to persist.
    pub fn complete_external(
        &mut self,
        attempt: RenewalId,
        outcome: Result<TokenSet, OAuthError>,
        now: Timestamp,
    ) -> Result<Option<Persist>, OAuthError> {
        let flight = self.in_flight.filter(|f| f.attempt == attempt.0);
        if flight.is_some() {
            self.in_flight = None;
        }
        match outcome {
            Err(err) => {
                self.remember_failure(attempt.0, err.clone());
                Err(err)
            }
            Ok(tokens) => {
                if self
                    .current
                    .as_ref()
                    .is_some_and(|c| c.attempt > attempt.0 && !c.rejected)
                {
                    return Ok(None);
                }
                let forced = flight.is_some_and(|f| f.forced);
                self.put(tokens.clone(), attempt.0, forced, Some(now));
                Ok(Some(Persist(tokens)))
            }
        }
    }

    /// The renewal for `attempt` could not be carried out (transport error,
    /// timeout, a failing store): its waiters get `error`.
    pub fn fail(&mut self, attempt: RenewalId, error: impl Into<crate::Error>) {
        let error = error.into();
        if self.in_flight.is_some_and(|f| f.attempt == attempt.0) {
            self.in_flight = None;
        }
        self.remember_failure(attempt.0, error);
    }

    /// Zoom answered 401 with code 124 to a call made with `generation`.
    pub fn rejected(&mut self, generation: Generation) -> Rejection {
        let Some(current) = self.current.as_mut() else {
            return Rejection::Retry;
        };
        if current.generation != generation {
            // A newer token exists, or this one was already rejected and its
            // replacement is on the way: no second renewal for the same token.
            return Rejection::Retry;
        }
        if current.rejected {
            return Rejection::Retry;
        }
        current.rejected = true;
        if current.forced {
            return Rejection::Fail(OAuthError::TokenRejected);
        }
        self.force_pending = true;
        Rejection::Retry
    }

    /// Zoom accepted a call made with `generation`: a token that came from
    /// a renewal forced by a 124 has proved itself, so a later 124 (Zoom
    /// expired it, as it does after an hour or a revocation) renews it
    /// again instead of failing as a loop.
    pub fn accepted(&mut self, generation: Generation) {
        if let Some(current) = self.current.as_mut().filter(|c| c.generation == generation) {
            current.forced = false;
        }
    }

    fn usable(&self) -> Option<&Installed> {
        self.current.as_ref().filter(|c| !c.rejected)
    }

    fn put(
        &mut self,
        tokens: TokenSet,
        attempt: u64,
        forced: bool,
        received_at: Option<Timestamp>,
    ) -> Generation {
        self.last_generation += 1;
        let generation = Generation(self.last_generation);
        self.current = Some(Installed {
            tokens,
            generation,
            attempt,
            forced,
            rejected: false,
            received_at,
            refresh_refused: None,
        });
        generation
    }

    fn remember_failure(&mut self, attempt: u64, err: impl Into<crate::Error>) {
        let err = err.into();
        if self.failures.len() == REMEMBERED_FAILURES {
            self.failures.pop_front();
        }
        self.failures.push_back((attempt, err));
    }

    fn renewal_action(&self) -> Result<RenewalAction, OAuthError> {
        match &self.source {
            TokenSource::ServerToServer(config) => {
                server_to_server_request(config).map(|r| RenewalAction::Send(Box::new(r)))
            }
            TokenSource::ClientCredentials(config) => {
                client_credentials_request(config).map(|r| RenewalAction::Send(Box::new(r)))
            }
            TokenSource::RefreshToken(config) => {
                if self
                    .current
                    .as_ref()
                    .is_some_and(|c| c.refresh_refused.is_some())
                {
                    return Err(self.reauthorization_required());
                }
                let refresh_token = self
                    .current
                    .as_ref()
                    .and_then(|c| c.tokens.refresh_token.as_ref())
                    .ok_or(OAuthError::CannotRenew {
                        problem: "there is no refresh token; authorize the user again",
                    })?;
                refresh_request(config, refresh_token).map(|r| RenewalAction::Send(Box::new(r)))
            }
            TokenSource::External => Ok(RenewalAction::External),
            TokenSource::Fixed => Err(OAuthError::CannotRenew {
                problem: "the token was given as a fixed value",
            }),
        }
    }
}

/// The same token set as far as renewal goes: the same access and refresh
/// tokens (compared as values; nothing leaves this function).
fn same_tokens(a: &TokenSet, b: &TokenSet) -> bool {
    a.access_token.expose() == b.access_token.expose()
        && a.refresh_token.as_ref().map(Secret::expose)
            == b.refresh_token.as_ref().map(Secret::expose)
}

fn ready(current: &Installed) -> AccessToken {
    AccessToken {
        authorization: current.tokens.authorization(),
        generation: current.generation,
        api_base_url: current.tokens.api_base_url(),
    }
}
