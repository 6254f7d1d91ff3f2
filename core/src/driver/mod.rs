//! The call driver: every call of a session as a sans-IO state machine.
//!
//! A host (the Rust clients, the JS and Python bindings) only moves bytes and
//! time: it asks [`Session::poll`] what to do, sends the requests it is
//! handed, feeds back what came of them with [`Session::receive`], and sleeps
//! when told to wait. All decisions live here, composed from the building
//! blocks: [`request::build_operation`](crate::request::build_operation) and
//! [`authorize`](crate::request::authorize), the token
//! [`TokenLifecycle`], the [`RetryPolicy`], the client-side
//! [`RateLimiter`] and [`response::parse`](crate::response::parse).
//!
//! ```text
//! let id = session.start("listCallQueues", params, CallOptions::default(), now());
//! loop {
//!     match session.poll(id, now()) {
//!         Action::Send { attempt, request } => {
//!             let outcome = http(request).await;            // redirects NOT followed
//!             session.receive(id, attempt, outcome, now());
//!             if let Some(t) = session.take_persist() { store.save(t).await }
//!             notify_all();                                 // wake Wait { until: None }
//!         }
//!         Action::FetchToken { attempt } => {               // TokenSource::External only
//!             let t = my_token_source().await;
//!             session.receive_token(id, attempt, t, now());
//!             notify_all();
//!         }
//!         Action::Wait { until: Some(t) } => sleep_until(t).or(notified()).await,
//!         Action::Wait { until: None } => notified().await,
//!         Action::Done(result) => return result,
//!     }
//! }
//! ```
//!
//! A host that abandons a call (timeout, dropped future, aborted promise)
//! must call [`Session::cancel`]: if that call was fetching the token for
//! the others, they start a new fetch instead of waiting for it.
//!
//! What a call does, in order, on each poll: fail at once if its request
//! cannot be built; give up when its deadline has passed (with the last
//! attempt's error, or [`Error::Timeout`]); wait for a scheduled retry;
//! reserve a client-side rate-limit slot (when limits are configured) and
//! wait for it; obtain a token (one token request at a time per session;
//! the other calls wait for it); send. On the answer:
//!
//! - 401 with Zoom code 124: the token is renewed once and the call resent
//!   once; a second 124 fails with `OAuthError::TokenRejected`;
//! - 429 per-second: retried at `Retry-After` exactly (else after backoff);
//!   the limiter learns of it; 429 daily: `Error::DailyLimitExceeded`;
//! - 5xx, 408, resets, timeouts: retried for idempotent methods, or for all
//!   when the call or the policy allows writes; exponential backoff with
//!   full jitter from the session's seeded PRNG; never past `max_attempts`,
//!   `max_elapsed` or the call's deadline;
//! - Zoom's expired-page-token answer: `Error::PageTokenExpired`;
//! - downloads (binary operations, [`Session::start_download`]) follow up to
//!   [`MAX_REDIRECTS`] redirects, sending the token only where
//!   [`may_carry_token`] allows; the transcript operation's 302 `Location`
//!   is its result.
//!
//! No type here shows a token, secret or request body in `Debug`, and the
//! driver never logs.

mod redirect;

use std::collections::BTreeMap;
use std::fmt;
use std::sync::OnceLock;

use http::header::{ACCEPT, LOCATION, USER_AGENT};
use http::{HeaderValue, Uri};
use serde_json::Value;

use crate::auth::lifecycle::{self, Access, Generation, RenewalAction, TokenLifecycle};
use crate::auth::{
    DEFAULT_API_BASE_URL, LifecycleSettings, OAuthConfig, OAuthError, TokenSet, TokenSource,
};
use crate::catalog::{self, Host, Operation, RateLimitCategory, ResponseKind};
use crate::error::Error;
use crate::limiter::{Acquire, PlanLimits, RateLimiter};
use crate::paginate;
use crate::ratelimit::RateLimitInfo;
use crate::request::{self, BuildError, RequestConfig};
use crate::response::{self, Output};
use crate::retry::{self, CallState, Decision, GiveUp, Jitter, RetryPolicy, TransportErrorKind};
use crate::secret::Secret;
use crate::time::Timestamp;

pub use redirect::{MAX_REDIRECTS, is_zoom_host, may_carry_token};

/// How a session obtains its tokens: a [`TokenSource`] for the
/// [`TokenLifecycle`], its settings, and the tokens to start from.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub source: TokenSource,
    pub settings: LifecycleSettings,
    /// Installed at start-up (a user's tokens from the code flow, a fixed
    /// token). Tokens from the host's store go through [`Session::load_tokens`].
    pub tokens: Option<TokenSet>,
}

impl AuthConfig {
    /// Server-to-server OAuth: tokens are fetched with the account credentials.
    pub fn server_to_server(config: OAuthConfig) -> Self {
        Self::from_source(TokenSource::ServerToServer(config), None)
    }

    /// The client credentials grant.
    pub fn client_credentials(config: OAuthConfig) -> Self {
        Self::from_source(TokenSource::ClientCredentials(config), None)
    }

    /// A user's tokens, renewed with the refresh grant (rotated refresh
    /// tokens come back through [`Session::take_persist`]).
    pub fn refresh_token(config: OAuthConfig, tokens: TokenSet) -> Self {
        Self::from_source(TokenSource::RefreshToken(config), Some(tokens))
    }

    /// One access token that is used as long as Zoom takes it; never renewed.
    pub fn fixed(access_token: impl Into<Secret>) -> Self {
        let tokens = TokenSet {
            access_token: access_token.into(),
            refresh_token: None,
            token_type: "bearer".to_owned(),
            scopes: Vec::new(),
            expires_at: None,
            api_url: None,
        };
        Self::from_source(TokenSource::Fixed, Some(tokens))
    }

    /// The host supplies tokens on [`Action::FetchToken`].
    pub fn external() -> Self {
        Self::from_source(TokenSource::External, None)
    }

    fn from_source(source: TokenSource, tokens: Option<TokenSet>) -> Self {
        AuthConfig {
            source,
            settings: LifecycleSettings::default(),
            tokens,
        }
    }
}

/// Everything a [`Session`] is configured with.
#[derive(Debug, Clone)]
pub struct SessionConfig {
    /// Base URLs and `User-Agent`. A token's `api_url` replaces `base_url`.
    pub request: RequestConfig,
    pub auth: AuthConfig,
    pub retry: RetryPolicy,
    /// Client-side rate limiting by Zoom's categories; `None` (default): off.
    pub limits: Option<PlanLimits>,
    /// Seed of the backoff-jitter PRNG; hosts pass real randomness.
    pub seed: u64,
}

impl SessionConfig {
    /// Default request config and retry policy, no client-side limits, seed 0.
    pub fn new(auth: AuthConfig) -> Self {
        SessionConfig {
            request: RequestConfig::default(),
            auth,
            retry: RetryPolicy::default(),
            limits: None,
            seed: 0,
        }
    }
}

/// One call of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CallId(pub u64);

/// One sent request (an API request, a redirect hop or a token request); the
/// host hands it back with the outcome so a late answer cannot be mistaken
/// for the current one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct AttemptId(pub u64);

/// Per-call options.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CallOptions {
    /// The call fails with [`Error::Timeout`] (or its last attempt's error)
    /// once this passes; no retry is scheduled after it. The host enforces
    /// it for requests in flight and then calls [`Session::cancel`].
    pub deadline: Option<Timestamp>,
    /// Retry this call after a 5xx, timeout or reset even if it is a POST or
    /// PATCH, accepting that the write may be applied twice.
    pub retry_non_idempotent: bool,
}

/// What the host must do next for a call.
pub enum Action {
    /// Send this request (without following redirects), then pass the
    /// outcome to [`Session::receive`] with `attempt`.
    Send {
        attempt: AttemptId,
        request: http::Request<Vec<u8>>,
    },
    /// Ask the host's own token source ([`AuthConfig::external`]) and pass
    /// the result to [`Session::receive_token`] with `attempt`.
    FetchToken { attempt: AttemptId },
    /// `Some(t)`: poll again at `t` (or earlier when another call of the
    /// session progressed). `None`: poll again when another call of the
    /// session progressed (after any `receive`, `receive_token` or `cancel`).
    Wait { until: Option<Timestamp> },
    /// The call is over; its id is forgotten.
    Done(Result<Output, Error>),
}

impl fmt::Debug for Action {
    // Requests are shown without headers and body: they hold the token, or
    // (token requests) client credentials and refresh tokens.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Send { attempt, request } => f
                .debug_struct("Send")
                .field("attempt", attempt)
                .field("method", request.method())
                .field("uri", &redacted_uri(request.uri()))
                .field("body_len", &request.body().len())
                .finish(),
            Action::FetchToken { attempt } => f
                .debug_struct("FetchToken")
                .field("attempt", attempt)
                .finish(),
            Action::Wait { until } => f.debug_struct("Wait").field("until", until).finish(),
            Action::Done(result) => f.debug_tuple("Done").field(result).finish(),
        }
    }
}

/// The URI without its query (signed download URLs carry access keys there).
fn redacted_uri(uri: &Uri) -> String {
    match (uri.scheme_str(), uri.authority()) {
        (Some(s), Some(a)) => format!("{s}://{a}{}", uri.path()),
        _ => uri.path().to_owned(),
    }
}

/// A request that got no HTTP answer, as the host's client reports it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TransportError {
    pub kind: TransportErrorKind,
    /// The client's description (no request contents).
    pub message: String,
}

impl TransportError {
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportError {
            kind,
            message: message.into(),
        }
    }
}

/// The category of downloads by URL: that of Zoom's download operations.
const DOWNLOAD_CATEGORY: RateLimitCategory = RateLimitCategory::Medium;

/// What a call targets.
#[derive(Debug)]
enum Target {
    Operation {
        op: &'static Operation,
        params: Value,
    },
    /// A `download_url`.
    Url(Uri),
}

/// What a call has out with the host.
#[derive(Debug, Clone, Copy)]
enum Pending {
    /// An API request (or redirect hop), sent with this token generation
    /// (`None`: sent without `Authorization`).
    Api {
        attempt: u64,
        generation: Option<Generation>,
    },
    /// The session's token request.
    Token {
        attempt: u64,
        renewal: lifecycle::AttemptId,
    },
    /// The host's token source was asked.
    External {
        attempt: u64,
        renewal: lifecycle::AttemptId,
    },
}

impl Pending {
    fn attempt(self) -> u64 {
        match self {
            Pending::Api { attempt, .. }
            | Pending::Token { attempt, .. }
            | Pending::External { attempt, .. } => attempt,
        }
    }
}

#[derive(Debug)]
struct Call {
    target: Target,
    /// The redirect hop the next request goes to, if any.
    location: Option<Uri>,
    /// Where the last request went (redirects resolve against it).
    sent_uri: Option<Uri>,
    deadline: Option<Timestamp>,
    retry_writes: bool,
    started: Timestamp,
    /// API attempts sent (redirect hops of one attempt not counted).
    attempts: u32,
    redirects: u32,
    /// The one renewal a code-124 rejection grants has been used.
    renewed: bool,
    /// The token renewal this call waits for.
    waiting_on: Option<lifecycle::AttemptId>,
    /// Send no earlier (a retry's time, or a reserved rate-limit slot).
    not_before: Option<Timestamp>,
    /// A rate-limit slot is reserved for the next attempt.
    slot: bool,
    pending: Option<Pending>,
    /// The error of the last failed attempt, surfaced if no retry follows.
    last_error: Option<Error>,
    outcome: Option<Result<Output, Error>>,
}

impl Call {
    fn new(target: Target, opts: &CallOptions, now: Timestamp) -> Self {
        Call {
            target,
            location: None,
            sent_uri: None,
            deadline: opts.deadline,
            retry_writes: opts.retry_non_idempotent,
            started: now,
            attempts: 0,
            redirects: 0,
            renewed: false,
            waiting_on: None,
            not_before: None,
            slot: false,
            pending: None,
            last_error: None,
            outcome: None,
        }
    }

    fn finished(target: Target, result: Result<Output, Error>, now: Timestamp) -> Self {
        let mut call = Call::new(target, &CallOptions::default(), now);
        call.outcome = Some(result);
        call
    }

    fn operation(&self) -> &'static Operation {
        match &self.target {
            Target::Operation { op, .. } => op,
            Target::Url(_) => download_operation(),
        }
    }

    fn category(&self) -> RateLimitCategory {
        match &self.target {
            Target::Operation { op, .. } => RateLimiter::category_for(op),
            Target::Url(_) => DOWNLOAD_CATEGORY,
        }
    }

    /// The next attempt starts over from the operation or the download URL.
    fn restart(&mut self) {
        self.location = None;
        self.redirects = 0;
    }

    /// Whether 3xx answers are followed rather than returned.
    fn follows_redirects(&self) -> bool {
        match &self.target {
            Target::Operation { op, .. } => op.response == ResponseKind::Binary,
            Target::Url(_) => true,
        }
    }
}

/// The stand-in operation that parses `download_url` responses as bytes.
fn download_operation() -> &'static Operation {
    static OP: OnceLock<Operation> = OnceLock::new();
    OP.get_or_init(|| Operation {
        id: "download".to_owned(),
        name: "download".to_owned(),
        tag: String::new(),
        method: "GET".to_owned(),
        path: String::new(),
        host: Host::Api,
        summary: String::new(),
        deprecated: false,
        params: Vec::new(),
        body: None,
        success_status: 200,
        response: ResponseKind::Binary,
        pagination: None,
        rate_limit: Some(DOWNLOAD_CATEGORY),
        scopes: Vec::new(),
        granular_scopes: Vec::new(),
    })
}

/// One client's calls, token and rate-limit state. Not `Sync` by intent:
/// hosts keep it behind a lock held only around `poll`/`receive`.
pub struct Session {
    request: RequestConfig,
    retry: RetryPolicy,
    lifecycle: TokenLifecycle,
    limiter: Option<RateLimiter>,
    jitter: Jitter,
    calls: BTreeMap<u64, Call>,
    last_call: u64,
    last_attempt: u64,
    persist: Option<TokenSet>,
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
        let mut lifecycle = TokenLifecycle::new(config.auth.source, config.auth.settings);
        if let Some(tokens) = config.auth.tokens {
            lifecycle.install(tokens);
        }
        Ok(Session {
            request: config.request,
            retry: config.retry,
            lifecycle,
            limiter: config.limits.map(RateLimiter::new),
            jitter: Jitter::new(config.seed),
            calls: BTreeMap::new(),
            last_call: 0,
            last_attempt: 0,
            persist: None,
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
                Target::Url(Uri::from_static("/")),
                Err(BuildError::UnknownOperation(operation.to_owned()).into()),
                now,
            ),
            Some(op) => match request::build_operation(op, &params, &self.request) {
                Err(e) => Call::finished(Target::Url(Uri::from_static("/")), Err(e.into()), now),
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
                Target::Url(Uri::from_static("/")),
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

    /// Seeds the session with tokens from the host's store (not persisted again).
    pub fn load_tokens(&mut self, tokens: TokenSet) {
        self.lifecycle.install(tokens);
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
        if let Some(Pending::Token { renewal, .. } | Pending::External { renewal, .. }) =
            removed.pending
        {
            self.lifecycle.fail(
                renewal,
                OAuthError::RenewalFailed {
                    message: "the call fetching the token was cancelled".to_owned(),
                },
            );
            for other in self.calls.values_mut() {
                if other.waiting_on == Some(renewal) {
                    other.waiting_on = None;
                }
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
            return None;
        }
        if let Some(t) = c.not_before {
            if now < t {
                return Some(Action::Wait { until: Some(t) });
            }
            c.not_before = None;
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
        let c = self.calls.get(&id).ok_or(Error::Timeout)?;
        // The token's regional host, unless it names none: then the configured one.
        let token_base =
            (token.api_base_url != DEFAULT_API_BASE_URL).then_some(token.api_base_url.as_str());
        let hop = match (&c.location, &c.target) {
            (Some(uri), _) | (None, Target::Url(uri)) => Some(uri),
            (None, Target::Operation { .. }) => None,
        };
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
            (None, Target::Url(uri)) => (download_request(uri, &self.request)?, false),
        };
        if authorized {
            let raw = token
                .authorization
                .expose()
                .strip_prefix("Bearer ")
                .unwrap_or(token.authorization.expose());
            request::authorize(&mut request, &Secret::new(raw))?;
        }
        Ok((request, authorized))
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
                    Ok(response) => self.lifecycle.complete(renewal, &response, now),
                    Err(e) => {
                        let err = OAuthError::RenewalFailed { message: e.message };
                        self.lifecycle.fail(renewal, err.clone());
                        Err(err)
                    }
                };
                self.token_outcome(call.0, result);
            }
            Pending::External { renewal, .. } => {
                // A token source is answered with receive_token; treat
                // anything else as its failure so the waiters are released.
                let err = OAuthError::RenewalFailed {
                    message: "the token source was answered with an HTTP outcome".to_owned(),
                };
                self.lifecycle.fail(renewal, err.clone());
                self.token_outcome(call.0, Err(err));
            }
            Pending::Api { generation, .. } => self.api_outcome(call.0, generation, outcome, now),
        }
    }

    /// The host's token source answered [`Action::FetchToken`] `attempt`.
    pub fn receive_token(
        &mut self,
        call: CallId,
        attempt: AttemptId,
        outcome: Result<TokenSet, OAuthError>,
        _now: Timestamp,
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
        let result = self.lifecycle.complete_external(renewal, outcome);
        self.token_outcome(call.0, result);
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
                let error = Error::Transport { message: e.message };
                let verdict = retry::Outcome::Transport(e.kind);
                self.retry_or_fail(id, &verdict, error, now);
                return;
            }
        };
        let status = response.status().as_u16();
        if c.follows_redirects() && (300..=399).contains(&status) {
            self.follow(id, &response);
            return;
        }
        let info = RateLimitInfo::from_headers(response.headers());
        let category = match &c.target {
            Target::Operation { op, .. } => op.rate_limit,
            Target::Url(_) => None,
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
        if status == 401 && error.code == Some(124) && generation.is_some() {
            let verdict = generation.map(|g| self.lifecycle.rejected(g));
            let c = self.calls.get_mut(&id);
            let Some(c) = c else { return };
            match verdict {
                Some(lifecycle::Rejection::Retry) if !c.renewed => {
                    c.renewed = true;
                    c.restart();
                    c.attempts = c.attempts.saturating_sub(1);
                    c.last_error = Some(Error::Api(error));
                }
                Some(lifecycle::Rejection::Fail(e)) => c.outcome = Some(Err(e.into())),
                _ => c.outcome = Some(Err(OAuthError::TokenRejected.into())),
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
        let rate_limit = error.rate_limit.clone();
        let message = error.message.clone();
        let verdict = retry::Outcome::Response {
            status,
            rate_limit: &rate_limit,
            zoom_code: error.code,
            message: message.as_deref(),
        };
        self.retry_or_fail(id, &verdict, Error::Api(error), now);
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

    fn retry_or_fail(
        &mut self,
        id: u64,
        verdict: &retry::Outcome<'_>,
        error: Error,
        now: Timestamp,
    ) {
        let Some(c) = self.calls.get_mut(&id) else {
            return;
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
        match policy.decide(&state, verdict, now, &mut self.jitter) {
            Decision::Retry { at } => {
                c.restart();
                c.not_before = Some(at);
                c.slot = false;
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

/// A GET of a download URL or redirect hop. Only `Accept` and `User-Agent`:
/// third-party hosts learn nothing else about the client.
fn download_request(uri: &Uri, config: &RequestConfig) -> Result<http::Request<Vec<u8>>, Error> {
    let agent =
        HeaderValue::from_str(&config.user_agent).map_err(|_| BuildError::InvalidConfig {
            field: "user_agent",
            problem: "is not a valid header value",
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
            problem: "is not a valid header value",
        }
        .into());
    }
    Ok(())
}
