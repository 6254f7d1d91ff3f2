//! The session: its calls, token lifecycle, limiter and jitter, and the
//! decisions that move a call from one request to the next.

use std::collections::BTreeMap;
use std::fmt;

use http::header::{ACCEPT, LOCATION, USER_AGENT};
use http::{HeaderValue, Uri};
use serde_json::Value;

use super::call::{Call, Pending, Target};
use super::redirect::{self, MAX_REDIRECTS, may_carry_token};
use super::{Action, AttemptId, BodyLimits, CallId, CallOptions, SessionConfig, TransportError};
use crate::auth::lifecycle::{
    self, Access, AfterReload, Generation, RenewalAction, Renewed, TokenLifecycle,
};
use crate::auth::{DEFAULT_API_BASE_URL, OAuthError, TokenSet, TokenSource};
use crate::catalog;
use crate::error::Error;
use crate::limiter::{Acquire, RateLimiter};
use crate::paginate;
use crate::ratelimit::RateLimitInfo;
use crate::request::{self, BuildError, RequestConfig};
use crate::response;
use crate::retry::{self, CallState, Decision, GiveUp, Jitter, RetryPolicy, TransportErrorKind};
use crate::secret::Secret;
use crate::time::Timestamp;

/// One client's calls, token and rate-limit state. Every method takes
/// `&mut self`: concurrent hosts keep it behind a lock held only around
/// `poll`/`receive`, never across a request.
pub struct Session {
    request: RequestConfig,
    retry: RetryPolicy,
    lifecycle: TokenLifecycle,
    /// Whether a token request can be repeated without harm: every grant
    /// but the refresh grant, whose first try may have rotated the refresh
    /// token already.
    token_request_idempotent: bool,
    limiter: Option<RateLimiter>,
    jitter: Jitter,
    calls: BTreeMap<u64, Call>,
    last_call: u64,
    last_attempt: u64,
    persist: Option<TokenSet>,
    body_limits: BodyLimits,
}

impl fmt::Debug for Session {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Session")
            .field("base_url", &self.request.base_url)
            .field("calls", &self.calls.len())
            .field("has_token", &self.lifecycle.tokens().is_some())
            .field("persist_pending", &self.persist.is_some())
            .finish_non_exhaustive()
    }
}

impl Session {
    /// A session; fails when the request config cannot make requests (a
    /// base URL that is not absolute, a `User-Agent` that is no header value).
    pub fn new(config: SessionConfig) -> Result<Session, Error> {
        check_config(&config.request)?;
        let token_request_idempotent = !matches!(config.auth.source, TokenSource::RefreshToken(_));
        let mut lifecycle = TokenLifecycle::new(config.auth.source, config.auth.settings);
        lifecycle.set_store_reload(config.auth.shared_store);
        if let Some(tokens) = config.auth.tokens {
            lifecycle.install(tokens);
        }
        Ok(Session {
            request: config.request,
            retry: config.retry,
            lifecycle,
            token_request_idempotent,
            limiter: config.limits.map(RateLimiter::new),
            jitter: Jitter::new(config.seed),
            calls: BTreeMap::new(),
            last_call: 0,
            last_attempt: 0,
            persist: None,
            body_limits: config.body_limits,
        })
    }

    /// Starts a call of `operation` (Zoom's operationId or its snake_case
    /// name) with JSON parameters as [`request::build`] takes them. Invalid
    /// parameters make the first poll `Done(Err(Error::Build(..)))`.
    pub fn start(
        &mut self,
        operation: &str,
        params: Value,
        opts: CallOptions,
        now: Timestamp,
    ) -> CallId {
        let call = match catalog::operation(operation) {
            None => Call::finished(
                Target::Refused,
                Err(BuildError::UnknownOperation(operation.to_owned()).into()),
                now,
            ),
            Some(op) => match request::build_operation(op, &params, &self.request) {
                Err(e) => Call::finished(Target::Refused, Err(e.into()), now),
                Ok(_) => Call::new(Target::Operation { op, params }, &opts, now),
            },
        };
        self.insert(call)
    }

    /// Starts a download of a `download_url` from an earlier answer: a GET,
    /// redirects followed, the token sent only where [`may_carry_token`]
    /// allows. The result's body is [`response::Body::Binary`].
    pub fn start_download(&mut self, url: &str, opts: CallOptions, now: Timestamp) -> CallId {
        let call = match redirect::absolute_url(url) {
            Some(uri) => Call::new(Target::Url(uri), &opts, now),
            None => Call::finished(
                Target::Refused,
                Err(BuildError::InvalidParameter {
                    operation: "download".to_owned(),
                    field: "url".to_owned(),
                    problem: "is not an absolute http(s) URL".to_owned(),
                }
                .into()),
                now,
            ),
        };
        self.insert(call)
    }

    fn insert(&mut self, call: Call) -> CallId {
        self.last_call += 1;
        self.calls.insert(self.last_call, call);
        CallId(self.last_call)
    }

    /// Calls started and not yet done or cancelled.
    pub fn active_calls(&self) -> usize {
        self.calls.len()
    }

    /// The token set in use, if any (scopes, expiry; `Debug` shows no token).
    pub fn tokens(&self) -> Option<&TokenSet> {
        self.lifecycle.tokens()
    }

    /// Seeds the session with tokens from the host's store (not persisted
    /// again). New tokens also end [`OAuthError::ReauthorizationRequired`].
    pub fn load_tokens(&mut self, tokens: TokenSet) {
        self.lifecycle.install(tokens);
    }

    /// Whether `call` is renewing the session's token: from
    /// [`Action::LoadTokens`] until the token request's answer is received
    /// (or the renewal ends otherwise). A host holds its store's lock while
    /// this is true.
    pub fn renewing(&self, call: CallId) -> bool {
        self.calls.get(&call.0).is_some_and(|c| {
            c.token_request.is_some()
                || c.reload.is_some()
                || matches!(
                    c.pending,
                    Some(Pending::Token { .. } | Pending::External { .. } | Pending::Stored { .. })
                )
        })
    }

    /// The newest token set the host must write to its store, once. Check
    /// after every `receive`/`receive_token`: with rotating refresh tokens,
    /// losing it logs the user out.
    pub fn take_persist(&mut self) -> Option<TokenSet> {
        self.persist.take()
    }

    /// Abandons a call (host timeout, dropped future). If it was fetching the
    /// session's token, the calls waiting for that start a new fetch.
    pub fn cancel(&mut self, call: CallId) {
        let Some(removed) = self.calls.remove(&call.0) else {
            return;
        };
        let renewal = match removed.pending {
            Some(
                Pending::Token { renewal, .. }
                | Pending::External { renewal, .. }
                | Pending::Stored { renewal, .. },
            ) => Some(renewal),
            _ => removed
                .token_request
                .map(|(renewal, _)| renewal)
                .or(removed.reload),
        };
        if let Some(renewal) = renewal {
            self.abandon_renewal(renewal);
        }
    }

    /// The call fetching the token is gone: the calls waiting for it start
    /// a new fetch rather than fail.
    fn abandon_renewal(&mut self, renewal: lifecycle::AttemptId) {
        self.lifecycle.fail(
            renewal,
            OAuthError::RenewalFailed {
                message: "the call fetching the token was abandoned".to_owned(),
            },
        );
        for other in self.calls.values_mut() {
            if other.waiting_on == Some(renewal) {
                other.waiting_on = None;
            }
        }
    }

    /// What the host must do next for `call`. Polling a call that is done
    /// (or was never started) answers `Done(Err(Error::Transport))`.
    pub fn poll(&mut self, call: CallId, now: Timestamp) -> Action {
        let Some(c) = self.calls.get_mut(&call.0) else {
            return Action::Done(Err(Error::Transport {
                message: "no such call: it is done or was cancelled".to_owned(),
            }));
        };
        if c.outcome.is_none() && c.pending.is_none() {
            if let Some(action) = self.advance(call.0, now) {
                return action;
            }
        }
        let Some(c) = self.calls.get_mut(&call.0) else {
            return Action::Wait { until: None };
        };
        if c.pending.is_some() {
            // Asked again while a request is out: the host owes a receive.
            return Action::Wait { until: c.deadline };
        }
        match self.calls.remove(&call.0).and_then(|c| c.outcome) {
            Some(result) => Action::Done(result),
            None => Action::Wait { until: None },
        }
    }

    /// Moves a call that has nothing out towards its next request. `None`
    /// when it finished (its outcome is set).
    fn advance(&mut self, id: u64, now: Timestamp) -> Option<Action> {
        let c = self.calls.get_mut(&id)?;
        if c.deadline.is_some_and(|d| now >= d) {
            let err = c.last_error.take().unwrap_or(Error::Timeout);
            c.outcome = Some(Err(err));
            let renewal = c.token_request.take().map(|(r, _)| r).or(c.reload.take());
            if let Some(renewal) = renewal {
                self.abandon_renewal(renewal);
            }
            return None;
        }
        if let Some(t) = c.not_before {
            if now < t {
                return Some(Action::Wait { until: Some(t) });
            }
            c.not_before = None;
        }
        if let Some(renewal) = c.reload.take() {
            let attempt = self.next_attempt();
            let c = self.calls.get_mut(&id)?;
            c.pending = Some(Pending::Stored { attempt, renewal });
            return Some(Action::LoadTokens {
                attempt: AttemptId(attempt),
            });
        }
        if let Some((renewal, request)) = &c.token_request {
            let renewal = *renewal;
            let request = copy_request(request);
            let attempt = self.next_attempt();
            let c = self.calls.get_mut(&id)?;
            c.token_attempts += 1;
            c.pending = Some(Pending::Token { attempt, renewal });
            return Some(Action::Send {
                attempt: AttemptId(attempt),
                request,
            });
        }
        if !c.slot {
            if let Some(limiter) = self.limiter.as_mut() {
                match limiter.acquire(c.category(), now) {
                    Acquire::Ready => c.slot = true,
                    Acquire::WaitUntil(t) => {
                        c.slot = true;
                        if c.deadline.is_some_and(|d| t >= d) {
                            c.outcome = Some(Err(c.last_error.take().unwrap_or(Error::Timeout)));
                            return None;
                        }
                        c.not_before = Some(t);
                        return Some(Action::Wait { until: Some(t) });
                    }
                    Acquire::DailyLimitExhausted { reset_at } => {
                        c.outcome = Some(Err(Error::DailyLimitExceeded {
                            reset_at: Some(reset_at),
                        }));
                        return None;
                    }
                }
            } else {
                c.slot = true;
            }
        }
        match self.lifecycle.acquire(now, c.waiting_on) {
            Access::Ready(token) => {
                c.waiting_on = None;
                let request = match self.api_request(id, &token) {
                    Ok(r) => r,
                    Err(e) => {
                        let c = self.calls.get_mut(&id)?;
                        c.outcome = Some(Err(e));
                        return None;
                    }
                };
                let (request, authorized) = request;
                let attempt = self.next_attempt();
                let c = self.calls.get_mut(&id)?;
                if c.redirects == 0 {
                    c.attempts += 1;
                }
                c.sent_uri = Some(request.uri().clone());
                c.pending = Some(Pending::Api {
                    attempt,
                    generation: authorized.then_some(token.generation),
                });
                Some(Action::Send {
                    attempt: AttemptId(attempt),
                    request,
                })
            }
            Access::Renew(renewal) => {
                c.waiting_on = None;
                self.last_attempt += 1;
                let attempt = self.last_attempt;
                match renewal.action {
                    RenewalAction::Send(request) => {
                        c.pending = Some(Pending::Token {
                            attempt,
                            renewal: renewal.attempt,
                        });
                        c.token_attempts = 1;
                        c.token_request = Some((renewal.attempt, copy_request(&request)));
                        Some(Action::Send {
                            attempt: AttemptId(attempt),
                            request: *request,
                        })
                    }
                    RenewalAction::External => {
                        c.pending = Some(Pending::External {
                            attempt,
                            renewal: renewal.attempt,
                        });
                        Some(Action::FetchToken {
                            attempt: AttemptId(attempt),
                        })
                    }
                    RenewalAction::Reload => {
                        c.pending = Some(Pending::Stored {
                            attempt,
                            renewal: renewal.attempt,
                        });
                        Some(Action::LoadTokens {
                            attempt: AttemptId(attempt),
                        })
                    }
                }
            }
            Access::Wait { attempt, .. } => {
                c.waiting_on = Some(attempt);
                Some(Action::Wait { until: c.deadline })
            }
            Access::Failed(e) => {
                c.waiting_on = None;
                c.outcome = Some(Err(e.into()));
                None
            }
        }
    }

    fn next_attempt(&mut self) -> u64 {
        self.last_attempt += 1;
        self.last_attempt
    }

    /// The next API request of call `id` with `token`, and whether it carries
    /// the token.
    fn api_request(
        &self,
        id: u64,
        token: &lifecycle::AccessToken,
    ) -> Result<(http::Request<Vec<u8>>, bool), Error> {
        let c = self.calls.get(&id).ok_or_else(|| Error::Transport {
            message: "no such call".to_owned(),
        })?;
        // The token's regional host, unless it names none: then the configured one.
        let token_base =
            (token.api_base_url != DEFAULT_API_BASE_URL).then_some(token.api_base_url.as_str());
        let hop = c.location.as_ref().or(match &c.target {
            Target::Url(uri) => Some(uri),
            _ => None,
        });
        let (mut request, authorized) = match (hop, &c.target) {
            (Some(uri), _) => {
                let trusted = [
                    Some(self.request.base_url.as_str()),
                    Some(self.request.file_base_url.as_str()),
                    token_base,
                ];
                let trusted = trusted.into_iter().flatten();
                (
                    download_request(uri, &self.request)?,
                    may_carry_token(uri, trusted),
                )
            }
            (None, Target::Operation { op, params }) => {
                let request = match token_base {
                    Some(base) => {
                        let mut config = self.request.clone();
                        base.clone_into(&mut config.base_url);
                        request::build_operation(op, params, &config)?
                    }
                    None => request::build_operation(op, params, &self.request)?,
                };
                (request, true)
            }
            (None, _) => {
                return Err(Error::Transport {
                    message: "the call has nothing to send".to_owned(),
                });
            }
        };
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

    /// The most bytes of response body the host may read for the request
    /// `call` has out: the download limit for downloads and their redirect
    /// hops, else the API limit (token requests included).
    pub fn response_limit(&self, call: CallId) -> u64 {
        let download = self.calls.get(&call.0).is_some_and(|c| {
            matches!(c.pending, Some(Pending::Api { .. })) && c.follows_redirects()
        });
        if download {
            self.body_limits.download
        } else {
            self.body_limits.api
        }
    }

    /// The answer to the request `attempt` of `call` has a body over
    /// [`Session::response_limit`]: the call fails with
    /// [`Error::ResponseTooLarge`], without a retry (the same request would
    /// bring the same body).
    pub fn receive_too_large(&mut self, call: CallId, attempt: AttemptId) {
        let limit = self.response_limit(call);
        let Some(c) = self.calls.get_mut(&call.0) else {
            return;
        };
        let Some(pending) = c.pending.filter(|p| p.attempt() == attempt.0) else {
            return;
        };
        c.pending = None;
        c.outcome = Some(Err(Error::ResponseTooLarge { limit }));
        if let Pending::Token { renewal, .. } = pending {
            c.token_request = None;
            self.lifecycle.fail(
                renewal,
                OAuthError::RenewalFailed {
                    message: format!("the token endpoint's answer exceeds {limit} bytes"),
                },
            );
        }
    }

    /// The outcome of the request `attempt` of `call`: a response, or a
    /// transport error. Outcomes of cancelled calls and stale attempts are
    /// ignored.
    pub fn receive(
        &mut self,
        call: CallId,
        attempt: AttemptId,
        outcome: Result<http::Response<Vec<u8>>, TransportError>,
        now: Timestamp,
    ) {
        let Some(c) = self.calls.get_mut(&call.0) else {
            return;
        };
        let Some(pending) = c.pending.filter(|p| p.attempt() == attempt.0) else {
            return;
        };
        c.pending = None;
        match pending {
            Pending::Token { renewal, .. } => {
                let result = match outcome {
                    Ok(response) => {
                        match self.lifecycle.complete_renewal(renewal, &response, now) {
                            Ok(Renewed::Done(persist)) => Ok(persist),
                            Ok(Renewed::Reload) => {
                                if let Some(c) = self.calls.get_mut(&call.0) {
                                    c.token_request = None;
                                    c.reload = Some(renewal);
                                }
                                return;
                            }
                            Err(e) => Err(e),
                        }
                    }
                    Err(e) => {
                        if self.retry_token_request(call.0, e.kind, now) {
                            return;
                        }
                        let err = OAuthError::RenewalFailed { message: e.message };
                        self.lifecycle.fail(renewal, err.clone());
                        Err(err)
                    }
                };
                if let Some(c) = self.calls.get_mut(&call.0) {
                    c.token_request = None;
                }
                self.token_outcome(call.0, result);
            }
            Pending::External { renewal, .. } | Pending::Stored { renewal, .. } => {
                // A token source is answered with receive_token, a store
                // read with receive_stored; treat anything else as their
                // failure so the waiters are released.
                let err = OAuthError::RenewalFailed {
                    message: "a token source or store was answered with an HTTP outcome".to_owned(),
                };
                self.lifecycle.fail(renewal, err.clone());
                self.token_outcome(call.0, Err(err));
            }
            Pending::Api { generation, .. } => self.api_outcome(call.0, generation, outcome, now),
        }
    }

    /// Schedules the resend of call `id`'s token request after a transport
    /// failure, when the retry policy allows it; the waiters keep waiting.
    fn retry_token_request(&mut self, id: u64, kind: TransportErrorKind, now: Timestamp) -> bool {
        let Some(c) = self.calls.get_mut(&id) else {
            return false;
        };
        let state = CallState {
            idempotent: self.token_request_idempotent,
            attempts: c.token_attempts,
            started: c.started,
            deadline: c.deadline,
        };
        let verdict = retry::Outcome::Transport(kind);
        match self.retry.decide(&state, &verdict, now, &mut self.jitter) {
            Decision::Retry { at } => {
                c.not_before = Some(at);
                true
            }
            Decision::GiveUp(_) => false,
        }
    }

    /// The host's token source answered [`Action::FetchToken`] `attempt`.
    pub fn receive_token(
        &mut self,
        call: CallId,
        attempt: AttemptId,
        outcome: Result<TokenSet, OAuthError>,
        now: Timestamp,
    ) {
        let Some(c) = self.calls.get_mut(&call.0) else {
            return;
        };
        let Some(Pending::External { renewal, .. }) =
            c.pending.filter(|p| p.attempt() == attempt.0)
        else {
            return;
        };
        c.pending = None;
        let result = self.lifecycle.complete_external(renewal, outcome, now);
        self.token_outcome(call.0, result);
    }

    /// What the host's token store held when it read it for
    /// [`Action::LoadTokens`] `attempt` (`Ok(None)`: nothing stored), or why
    /// it could not be read. A newer stored token set is adopted (and not
    /// persisted again); the renewal then needs no request when its access
    /// token is fresh.
    pub fn receive_stored(
        &mut self,
        call: CallId,
        attempt: AttemptId,
        stored: Result<Option<TokenSet>, String>,
        now: Timestamp,
    ) {
        let Some(c) = self.calls.get_mut(&call.0) else {
            return;
        };
        let Some(Pending::Stored { renewal, .. }) = c.pending.filter(|p| p.attempt() == attempt.0)
        else {
            return;
        };
        c.pending = None;
        let stored = match stored {
            Ok(stored) => stored,
            Err(message) => {
                self.lifecycle.fail(
                    renewal,
                    OAuthError::RenewalFailed {
                        message: "the token store could not be read".to_owned(),
                    },
                );
                if let Some(c) = self.calls.get_mut(&call.0) {
                    c.outcome = Some(Err(Error::TokenStore { message }));
                }
                return;
            }
        };
        let after = self.lifecycle.stored(renewal, stored, now);
        let Some(c) = self.calls.get_mut(&call.0) else {
            return;
        };
        match after {
            Ok(AfterReload::Acquire) => {}
            Ok(AfterReload::Renew(RenewalAction::Send(request))) => {
                c.token_attempts = 0;
                c.token_request = Some((renewal, *request));
            }
            Ok(AfterReload::Renew(RenewalAction::External | RenewalAction::Reload)) => {
                let err = OAuthError::RenewalFailed {
                    message: "the token store was read again without a token request".to_owned(),
                };
                self.lifecycle.fail(renewal, err.clone());
                c.outcome = Some(Err(err.into()));
            }
            Err(e) => c.outcome = Some(Err(e.into())),
        }
    }

    fn token_outcome(&mut self, id: u64, result: Result<Option<lifecycle::Persist>, OAuthError>) {
        match result {
            Ok(Some(lifecycle::Persist(tokens))) => self.persist = Some(tokens),
            Ok(None) => {}
            Err(e) => {
                if let Some(c) = self.calls.get_mut(&id) {
                    c.outcome = Some(Err(e.into()));
                }
            }
        }
    }

    fn api_outcome(
        &mut self,
        id: u64,
        generation: Option<Generation>,
        outcome: Result<http::Response<Vec<u8>>, TransportError>,
        now: Timestamp,
    ) {
        let Some(c) = self.calls.get_mut(&id) else {
            return;
        };
        let op = c.operation();
        let response = match outcome {
            Ok(response) => response,
            Err(e) => {
                // A request cut short by the call's deadline (the host's timer,
                // or its cancellation) ends the call as a deadline does
                // anywhere else, whatever the client called the failure.
                if c.deadline.is_some_and(|d| now >= d) {
                    c.outcome = Some(Err(Error::Timeout));
                    return;
                }
                let error = Error::Transport { message: e.message };
                self.retry_or_fail(id, error, Some(e.kind), now);
                return;
            }
        };
        let status = response.status().as_u16();
        if c.follows_redirects() && (300..=399).contains(&status) {
            self.follow(id, &response);
            return;
        }
        if let (false, Some(generation)) = (status == 401, generation) {
            self.lifecycle.accepted(generation);
        }
        let info = RateLimitInfo::from_headers(response.headers());
        let category = match &c.target {
            Target::Operation { op, .. } => op.rate_limit,
            Target::Url(_) | Target::Refused => None,
        };
        if let Some(limiter) = self.limiter.as_mut() {
            limiter.observe(category, status, &info, now);
        }
        let error = match response::parse(op, response) {
            Ok(output) => {
                c.outcome = Some(Ok(output));
                return;
            }
            Err(Error::Api(api)) => api,
            Err(other) => {
                c.outcome = Some(Err(other));
                return;
            }
        };
        // Zoom's code 124: the token we sent is invalid or expired.
        if let (401, Some(124), Some(generation)) = (status, error.code, generation) {
            let verdict = self.lifecycle.rejected(generation);
            let Some(c) = self.calls.get_mut(&id) else {
                return;
            };
            match verdict {
                lifecycle::Rejection::Retry if !c.renewed => {
                    // Resent at once with the new token; not a retry the policy counts.
                    c.renewed = true;
                    c.restart();
                    c.attempts = c.attempts.saturating_sub(1);
                    c.last_error = Some(Error::Api(error));
                }
                lifecycle::Rejection::Retry => {
                    c.outcome = Some(Err(OAuthError::TokenRejected.into()));
                }
                lifecycle::Rejection::Fail(e) => c.outcome = Some(Err(e.into())),
            }
            return;
        }
        if let Target::Operation { op, params } = &c.target {
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
                c.outcome = Some(Err(Error::PageTokenExpired));
                return;
            }
        }
        self.retry_or_fail(id, Error::Api(error), None, now);
    }

    /// Follows a 3xx of a download to its `Location`.
    fn follow(&mut self, id: u64, response: &http::Response<Vec<u8>>) {
        let Some(c) = self.calls.get_mut(&id) else {
            return;
        };
        let op = c.operation();
        let current = c.sent_uri.clone();
        let next = response
            .headers()
            .get(LOCATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|loc| {
                current
                    .as_ref()
                    .and_then(|base| redirect::resolve(base, loc))
            });
        let status = response.status().as_u16();
        let problem = match next {
            Some(_) if c.redirects >= MAX_REDIRECTS => Some(format!(
                "more than {MAX_REDIRECTS} redirects (HTTP {status})"
            )),
            Some(uri) => {
                c.location = Some(uri);
                c.redirects += 1;
                None
            }
            None => Some(format!(
                "HTTP {status} without a usable http(s) Location to follow"
            )),
        };
        if let Some(message) = problem {
            c.outcome = Some(Err(response::DecodeError {
                operation: op.id.clone(),
                status,
                path: ".".to_owned(),
                message,
                snippet: None,
                tracking_id: None,
            }
            .into()));
        }
    }

    /// Schedules the retry of a failed attempt (`error`, from a transport
    /// failure of `kind` or Zoom's answer) or ends the call with it.
    fn retry_or_fail(
        &mut self,
        id: u64,
        error: Error,
        kind: Option<TransportErrorKind>,
        now: Timestamp,
    ) {
        let Some(c) = self.calls.get_mut(&id) else {
            return;
        };
        let verdict = match (kind, &error) {
            (Some(kind), _) => retry::Outcome::Transport(kind),
            (None, Error::Api(api)) => retry::Outcome::from_api_error(api),
            (None, _) => {
                c.outcome = Some(Err(error));
                return;
            }
        };
        let op = c.operation();
        let mut policy = self.retry.clone();
        policy.retry_non_idempotent |= c.retry_writes;
        let state = CallState {
            idempotent: op.is_idempotent(),
            attempts: c.attempts,
            started: c.started,
            deadline: c.deadline,
        };
        let decision = policy.decide(&state, &verdict, now, &mut self.jitter);
        match decision {
            Decision::Retry { at } => {
                c.restart();
                c.not_before = Some(at);
                c.last_error = Some(error);
            }
            Decision::GiveUp(GiveUp::DailyLimitExceeded { reset_at }) => {
                if let (Some(limiter), Some(reset)) = (self.limiter.as_mut(), reset_at) {
                    limiter.stop_for_day(c.category(), reset);
                }
                c.outcome = Some(Err(Error::DailyLimitExceeded { reset_at }));
            }
            Decision::GiveUp(_) => c.outcome = Some(Err(error)),
        }
    }
}

/// A copy of a request: `http::Request` is not `Clone` (its extensions
/// need not be); ours carry none.
fn copy_request(request: &http::Request<Vec<u8>>) -> http::Request<Vec<u8>> {
    let mut copy = http::Request::new(request.body().clone());
    *copy.method_mut() = request.method().clone();
    *copy.uri_mut() = request.uri().clone();
    *copy.version_mut() = request.version();
    *copy.headers_mut() = request.headers().clone();
    copy
}

/// A GET of a download URL or redirect hop. Only `Accept` and `User-Agent`:
/// third-party hosts learn nothing else about the client.
fn download_request(uri: &Uri, config: &RequestConfig) -> Result<http::Request<Vec<u8>>, Error> {
    let agent =
        HeaderValue::from_str(&config.user_agent).map_err(|_| BuildError::InvalidConfig {
            field: "user_agent",
            problem: "contains characters not allowed in a header",
        })?;
    let mut request = http::Request::new(Vec::new());
    *request.uri_mut() = uri.clone();
    request
        .headers_mut()
        .insert(ACCEPT, HeaderValue::from_static("*/*"));
    request.headers_mut().insert(USER_AGENT, agent);
    Ok(request)
}

fn check_config(config: &RequestConfig) -> Result<(), Error> {
    for (field, url) in [
        ("base_url", &config.base_url),
        ("file_base_url", &config.file_base_url),
    ] {
        if redirect::absolute_url(url).is_none() {
            return Err(BuildError::InvalidConfig {
                field,
                problem: "is not an absolute http(s) URL",
            }
            .into());
        }
    }
    if HeaderValue::from_str(&config.user_agent).is_err() {
        return Err(BuildError::InvalidConfig {
            field: "user_agent",
            problem: "contains characters not allowed in a header",
        }
        .into());
    }
    Ok(())
}
