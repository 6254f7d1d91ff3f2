//! The call driver: every call of a session as a sans-IO state machine.
//!
//! A host (the Rust clients, the JS and Python bindings) only moves bytes and
//! time: it asks [`Session::poll`] what to do, sends the requests it is
//! handed, feeds back what came of them with [`Session::receive`], and sleeps
//! when told to wait. All decisions live here, composed from the building
//! blocks: [`request::build_operation`](crate::request::build_operation) and
//! [`authorize`](crate::request::authorize), the token
//! [`TokenLifecycle`](crate::auth::TokenLifecycle), the [`RetryPolicy`], the client-side
//! [`RateLimiter`](crate::limiter::RateLimiter) and [`response::parse`](crate::response::parse).
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
//!         Action::LoadTokens { attempt } => {              // AuthConfig::shared_store only
//!             let lock = store.lock().await;                // held while session.renewing(id)
//!             session.receive_stored(id, attempt, store.load().await, now());
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

mod call;
mod redirect;
mod session;

use std::fmt;

use http::Uri;

use crate::auth::{LifecycleSettings, OAuthConfig, TokenSet, TokenSource};
use crate::error::Error;
use crate::limiter::PlanLimits;
use crate::request::RequestConfig;
use crate::response::Output;
use crate::retry::{RetryPolicy, TransportErrorKind};
use crate::secret::Secret;
use crate::time::Timestamp;

pub use redirect::{MAX_REDIRECTS, is_zoom_host, may_carry_token};
pub use session::Session;

/// How a session obtains its tokens: a [`TokenSource`] for the
/// [`TokenLifecycle`](crate::auth::TokenLifecycle), its settings, and the tokens to start from.
#[derive(Debug, Clone)]
pub struct AuthConfig {
    pub source: TokenSource,
    pub settings: LifecycleSettings,
    /// Installed at start-up (a user's tokens from the code flow, a fixed
    /// token). Tokens from the host's store go through [`Session::load_tokens`].
    pub tokens: Option<TokenSet>,
    /// The host keeps the tokens in a store that other sessions (clients,
    /// processes) may write too: every renewal starts with
    /// [`Action::LoadTokens`], so a refresh token another session rotated
    /// is never used. Ignored for external and fixed tokens.
    pub shared_store: bool,
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
            shared_store: false,
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
    /// The largest response bodies the host reads.
    pub body_limits: BodyLimits,
}

/// The largest response body a host reads, in bytes. A longer body fails
/// the call with [`Error::ResponseTooLarge`] (hosts report it with
/// [`Session::receive_too_large`]) after reading at most `limit + 1` bytes,
/// or none at all when `Content-Length` already says so. Which one applies
/// to a request: [`Session::response_limit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BodyLimits {
    /// JSON answers of API operations and the token endpoint; default
    /// [`DEFAULT_API_BODY_LIMIT`].
    pub api: u64,
    /// Downloads (binary operations, [`Session::start_download`]): they are
    /// held in memory whole, so this bounds the memory one download takes;
    /// default [`DEFAULT_DOWNLOAD_BODY_LIMIT`]; `u64::MAX`: no limit.
    pub download: u64,
}

/// 32 MiB: Zoom's largest JSON pages (300 call-history records) are a few
/// hundred KiB.
pub const DEFAULT_API_BODY_LIMIT: u64 = 32 * 1024 * 1024;

/// 1 GiB: hours of call recording.
pub const DEFAULT_DOWNLOAD_BODY_LIMIT: u64 = 1024 * 1024 * 1024;

impl Default for BodyLimits {
    fn default() -> Self {
        BodyLimits {
            api: DEFAULT_API_BODY_LIMIT,
            download: DEFAULT_DOWNLOAD_BODY_LIMIT,
        }
    }
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
            body_limits: BodyLimits::default(),
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
    /// once this passes; no retry is scheduled after it. The host bounds a
    /// request in flight by the time left to it; a transport failure
    /// received at or after it ends the call with [`Error::Timeout`].
    pub deadline: Option<Timestamp>,
    /// Retry this call after a 5xx, timeout or reset even if it is a POST or
    /// PATCH, accepting that the write may be applied twice.
    pub retry_non_idempotent: bool,
}

/// What the host must do next for a call.
///
/// With [`AuthConfig::shared_store`], a renewal starts with
/// [`Action::LoadTokens`]. A host whose store is shared with other sessions
/// takes the store's lock (an in-process lock, a file lock) there and holds
/// it while [`Session::renewing`] says the call is still renewing, i.e.
/// until the token request's answer was received and its
/// [`Session::take_persist`] saved: read, refresh and write are then one
/// step for all sessions of the store.
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
    /// Read the token store (see [`AuthConfig::shared_store`]) and pass what
    /// it holds to [`Session::receive_stored`] with `attempt`.
    LoadTokens { attempt: AttemptId },
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
            Action::LoadTokens { attempt } => f
                .debug_struct("LoadTokens")
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
