//! The call driver: every call of a client as a sans-IO state machine, and
//! the one protocol every host speaks with it.
//!
//! A host (the Rust clients, the JS and Python bindings) is a small
//! interpreter: it asks the [`Session`] what to do, performs exactly that
//! [`Action`], and reports exactly its [`Outcome`]. Nothing else is ever
//! called "at the right moment"; every decision (which token, when to renew,
//! whether and when to retry, where a redirect may take the token, what an
//! answer means, when the deadline has passed) is made here.
//!
//! ```text
//! let (id, mut step) = session.start(call, now());
//! loop {
//!     if step.wake { wake every call of this session that is in a Wait }
//!     log(step.events);
//!     let outcome = match step.action {
//!         Action::Send(send)     => http(send.request, send.timeout, send.body_limit), // redirects NOT followed
//!         Action::FetchToken     => Outcome::Token(my_token_source()),
//!         Action::LockStore      => if store.try_lock() { Outcome::Locked } else { Outcome::LockBusy },
//!         Action::ReadStore      => Outcome::Stored(store.load()),
//!         Action::WriteStore(t)  => { store.save(t); Outcome::Written }
//!         Action::UnlockStore    => { store.unlock(); Outcome::Unlocked }
//!         Action::Wait { until } => { sleep_until(until).or(woken()); Outcome::Woken }
//!         Action::Done(result)   => return result,
//!     };
//!     step = session.handle(id, outcome, now());
//! }
//! ```
//!
//! The common case, a call with a valid token and nothing due, is two
//! crossings: [`Session::start`] hands out the request and
//! [`Session::handle`] takes the response and hands out the result.
//!
//! **Abandoning a call.** A host whose caller gives up (an aborted
//! promise, a dropped future, a cancelled task) calls [`Session::cancel`].
//! If a *detached* action is out ([`Action::is_detached`]: the steps of a
//! token renewal, which other calls may be waiting for), the host still
//! completes it, reports it, and performs what follows until `Done`, so a
//! rotated refresh token is never lost with its call. The same holds when
//! a detached action outlives the call's deadline (`expires_at`): the host
//! may end the caller's wait there with [`Outcome::Expired`], and finishes
//! the action in the background.
//!
//! What a call does, in order: fail at once if its request cannot be
//! built; read the token store once per session when there is one; give up
//! when its deadline has passed; wait for a scheduled retry; reserve a
//! client-side rate-limit slot (when limits are configured) and wait for
//! it; obtain a token (one renewal at a time per session; the other calls
//! wait for it); send. On the answer:
//!
//! - 401 with Zoom code 124: the token is renewed once and the call resent
//!   once; a second 124 ends the call with Zoom's 401 (class authentication);
//! - 429 per-second: retried at `Retry-After` exactly (else after backoff);
//!   the limiter learns of it; 429 daily: `Error::DailyLimitExceeded`;
//! - 5xx, 408, resets, timeouts: retried for idempotent methods, or for all
//!   when the call or the policy allows writes; exponential backoff with
//!   full jitter from the session's seeded PRNG; never past `max_attempts`,
//!   `max_elapsed` or the call's deadline;
//! - Zoom's expired-page-token answer: `Error::PageTokenExpired`;
//! - downloads follow up to [`MAX_REDIRECTS`] redirects, sending the token
//!   only where [`may_carry_token`] allows; the transcript download answers
//!   the VTT text, its URL in [`Output::location`](crate::response::Output).
//!
//! No type here shows a token, secret or request body in `Debug`.

mod call;
mod events;
mod fleet;
mod options;
mod redirect;
mod renewal;
mod session;

use std::fmt;
use std::time::Duration;

use http::Uri;
use serde_json::Value;

use crate::auth::{TokenSet, TokenSourceFailure};
use crate::error::{Error, TransportFailure};
use crate::response::Reply;
use crate::time::Timestamp;

pub use events::Event;
pub use redirect::{MAX_REDIRECTS, absolute_url, is_zoom_host, may_carry_token};
pub use session::Session;

pub use crate::config::{HostConfig, LogLevel, StoreMode};

/// The largest response body a host reads, in bytes. A longer body fails
/// the call with [`Error::ResponseTooLarge`] after reading at most
/// `limit + 1` bytes, or none at all when `Content-Length` already says so.
/// [`Send::body_limit`] says which applies to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct BodyLimits {
    /// JSON answers of API operations and the token endpoint; default
    /// [`DEFAULT_API_BODY_LIMIT`].
    pub api: u64,
    /// Downloads: they are held in memory whole, so this bounds the memory
    /// one download takes; default [`DEFAULT_DOWNLOAD_BODY_LIMIT`].
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

/// One call of a session.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct CallId(pub u64);

/// What to call.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Target {
    /// An operation by Zoom's operationId or its snake_case name, with path
    /// and query parameters by spec name and the body under `"body"`.
    Operation { operation: String, params: Value },
    /// A `download_url` from an earlier answer: a GET, redirects followed,
    /// the token only where [`may_carry_token`] allows.
    Download { url: String },
}

/// A call to start.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct CallRequest {
    pub target: Target,
    pub options: CallOptions,
}

impl CallRequest {
    /// A call of `operation` with `params` and default options.
    pub fn operation(operation: impl Into<String>, params: Value) -> Self {
        CallRequest {
            target: Target::Operation {
                operation: operation.into(),
                params,
            },
            options: CallOptions::default(),
        }
    }

    /// A download of `url` with default options.
    pub fn download(url: impl Into<String>) -> Self {
        CallRequest {
            target: Target::Download { url: url.into() },
            options: CallOptions::default(),
        }
    }

    #[must_use]
    pub fn with_options(mut self, options: CallOptions) -> Self {
        self.options = options;
        self
    }
}

/// Per-call options; each overrides the client's setting for this call.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct CallOptions {
    /// How long the call may take from its start, retries and waits
    /// included; then it ends with [`Error::Timeout`] (or its last
    /// attempt's error).
    pub timeout: Option<Duration>,
    /// Attempts in all for this call, the first included.
    pub max_attempts: Option<u32>,
    /// Retry this call after a 5xx, timeout or reset even if it is a POST or
    /// PATCH, accepting that the write may be applied twice.
    pub retry_non_idempotent: Option<bool>,
    /// Extra request headers (checked when the call starts; never logged).
    pub headers: Vec<(String, String)>,
}

impl CallOptions {
    #[must_use]
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    #[must_use]
    pub fn max_attempts(mut self, n: u32) -> Self {
        self.max_attempts = Some(n);
        self
    }

    #[must_use]
    pub fn retry_non_idempotent(mut self, allow: bool) -> Self {
        self.retry_non_idempotent = Some(allow);
        self
    }

    #[must_use]
    pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.headers.push((name.into(), value.into()));
        self
    }

    /// The options from the JSON shape bindings pass (`timeout_ms`,
    /// `max_attempts`, `retry_non_idempotent`, `headers`; camelCase keys
    /// accepted), `null` for none.
    pub fn from_json(value: &Value) -> Result<CallOptions, Error> {
        options::from_json(value)
    }
}

/// A request for the host to send.
#[non_exhaustive]
pub struct Send {
    /// The request; the host sends it as is and never follows redirects.
    pub request: http::Request<Vec<u8>>,
    /// Read at most this many body bytes; refuse at once when
    /// `Content-Length` says more ([`Outcome::TooLarge`]).
    pub body_limit: u64,
    /// How long this attempt may take, body included: already bounded by
    /// the call's deadline.
    pub timeout: Duration,
    /// A token request: complete it even if the call is abandoned.
    pub detached: bool,
    /// For a detached request only: the call's deadline. When it passes
    /// first, the host may report [`Outcome::Expired`] (the caller gets its
    /// timeout) and must still report the request's own outcome later.
    pub expires_at: Option<Timestamp>,
}

impl fmt::Debug for Send {
    // Without headers and body: they hold the token or the client secret.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Send")
            .field("method", self.request.method())
            .field("uri", &redacted_uri(self.request.uri()))
            .field("body_len", &self.request.body().len())
            .field("body_limit", &self.body_limit)
            .field("timeout", &self.timeout)
            .field("detached", &self.detached)
            .finish()
    }
}

/// What the host must do next for a call.
#[non_exhaustive]
pub enum Action {
    /// Send a request and report [`Outcome::Response`], [`Outcome::TooLarge`]
    /// or [`Outcome::Failed`].
    Send(Send),
    /// Ask the host's token source; report [`Outcome::Token`].
    FetchToken { expires_at: Option<Timestamp> },
    /// Try to take the token store's lock without blocking; report
    /// [`Outcome::Locked`], [`Outcome::LockBusy`] (another client or process
    /// holds it: the session waits and tries again, within the call's
    /// deadline) or [`Outcome::StoreFailed`]. A host whose store's lock is
    /// awaited (JS) may report `Locked` once it is taken.
    LockStore { expires_at: Option<Timestamp> },
    /// Read the token store; report [`Outcome::Stored`] or [`Outcome::StoreFailed`].
    ReadStore { expires_at: Option<Timestamp> },
    /// Save this token set (`tokens.to_store_json()`); report
    /// [`Outcome::Written`] or [`Outcome::StoreFailed`].
    WriteStore {
        tokens: TokenSet,
        expires_at: Option<Timestamp>,
    },
    /// Release the token store's lock; report [`Outcome::Unlocked`] or
    /// [`Outcome::StoreFailed`].
    UnlockStore,
    /// Run a script of the core in the fleet's Redis within its timeout;
    /// report [`Outcome::Shared`] (an error or timeout as `Err`: the
    /// session then works alone for a while).
    Shared(crate::fleet::SharedOp),
    /// Report [`Outcome::Woken`] at `until`, or earlier when another step of
    /// the session said `wake`.
    Wait { until: Timestamp },
    /// The call is over; its id is forgotten.
    Done(Result<Reply, Error>),
}

impl Action {
    /// Whether the action belongs to a token renewal other calls may wait
    /// for: it must be completed and reported even if its call is abandoned.
    pub fn is_detached(&self) -> bool {
        match self {
            Action::Send(send) => send.detached,
            Action::Shared(op) => op.detached,
            Action::FetchToken { .. }
            | Action::LockStore { .. }
            | Action::ReadStore { .. }
            | Action::WriteStore { .. }
            | Action::UnlockStore => true,
            Action::Wait { .. } | Action::Done(_) => false,
        }
    }

    /// For a detached action: the call's deadline (see [`Send::expires_at`]).
    pub fn expires_at(&self) -> Option<Timestamp> {
        match self {
            Action::Send(send) => send.expires_at,
            Action::FetchToken { expires_at }
            | Action::LockStore { expires_at }
            | Action::ReadStore { expires_at }
            | Action::WriteStore { expires_at, .. } => *expires_at,
            _ => None,
        }
    }

    /// A short name (`send`, `fetch_token`, ...), as bindings and logs name it.
    pub fn name(&self) -> &'static str {
        match self {
            Action::Send(_) => "send",
            Action::FetchToken { .. } => "fetch_token",
            Action::LockStore { .. } => "lock_store",
            Action::ReadStore { .. } => "read_store",
            Action::WriteStore { .. } => "write_store",
            Action::UnlockStore => "unlock_store",
            Action::Shared(_) => "shared",
            Action::Wait { .. } => "wait",
            Action::Done(_) => "done",
        }
    }
}

impl fmt::Debug for Action {
    // Requests are shown without headers and body: they hold the token, or
    // (token requests) client credentials and refresh tokens.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Action::Send(send) => send.fmt(f),
            Action::Wait { until } => f.debug_struct("Wait").field("until", until).finish(),
            Action::Done(result) => f.debug_tuple("Done").field(result).finish(),
            Action::Shared(op) => op.fmt(f),
            other => f.write_str(other.name()),
        }
    }
}

/// The URI without its query (signed download URLs carry access keys there).
pub(crate) fn redacted_uri(uri: &Uri) -> String {
    match (uri.scheme_str(), uri.authority()) {
        (Some(s), Some(a)) => format!("{s}://{a}{}", uri.path()),
        _ => uri.path().to_owned(),
    }
}

/// What came of the action the host performed.
#[non_exhaustive]
pub enum Outcome {
    /// The answer to a [`Action::Send`] (any status; redirects not followed).
    Response(http::Response<Vec<u8>>),
    /// The answer's body is longer than [`Send::body_limit`].
    TooLarge,
    /// No answer: refused, reset, the attempt's timeout, ...
    Failed(TransportFailure),
    /// The token source's answer (`Err`: why it failed, in words that quote
    /// nothing it holds, with its own error from a Rust host).
    Token(Result<TokenSet, TokenSourceFailure>),
    Locked,
    /// The store's lock is held elsewhere; nothing was taken.
    LockBusy,
    /// What the store holds (`None`: nothing yet).
    Stored(Option<TokenSet>),
    Written,
    Unlocked,
    /// A store action failed (the host's description).
    StoreFailed(String),
    /// After [`Action::Wait`]: the time came, or another step woke the call.
    Woken,
    /// The call's deadline (`expires_at`) passed while a detached action is
    /// still out; the action's own outcome is reported later.
    Expired,
    /// What the fleet's script answered (`Err`: Redis failed or timed out,
    /// in the host client's words).
    Shared(Result<crate::fleet::SharedReply, String>),
}

impl fmt::Debug for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Response(r) => write!(f, "Response({})", r.status()),
            Outcome::TooLarge => f.write_str("TooLarge"),
            Outcome::Failed(e) => write!(f, "Failed({e})"),
            Outcome::Token(Ok(_)) => f.write_str("Token(Ok(..))"),
            Outcome::Token(Err(e)) => write!(f, "Token(Err({}))", e.message),
            Outcome::Locked => f.write_str("Locked"),
            Outcome::LockBusy => f.write_str("LockBusy"),
            Outcome::Stored(t) => write!(
                f,
                "Stored({})",
                if t.is_some() { "Some(..)" } else { "None" }
            ),
            Outcome::Written => f.write_str("Written"),
            Outcome::Unlocked => f.write_str("Unlocked"),
            Outcome::StoreFailed(m) => write!(f, "StoreFailed({m})"),
            Outcome::Woken => f.write_str("Woken"),
            Outcome::Expired => f.write_str("Expired"),
            Outcome::Shared(Ok(r)) => write!(f, "Shared(Ok({r:?}))"),
            Outcome::Shared(Err(e)) => write!(f, "Shared(Err({e}))"),
        }
    }
}

/// The core's answer to one crossing.
#[derive(Debug)]
#[non_exhaustive]
pub struct Step {
    pub action: Action,
    /// Shared state changed (a renewal ended, a renewer went away): wake
    /// every call of the session that is in a [`Action::Wait`].
    pub wake: bool,
    /// Log records for the host's logger (empty unless `log` is on).
    pub events: Vec<Event>,
}

/// What [`Session::cancel`] found.
#[derive(Debug)]
pub enum Cancelled {
    /// Nothing the session needs was out: the call is forgotten (abort its
    /// request in flight, if any).
    Gone,
    /// A detached action is out: complete and report it, and perform what
    /// follows until `Done` (nobody reads that result).
    Finishing,
    /// Perform this detached step (releasing the store lock the call held),
    /// report it, and what follows, until `Done`.
    Perform(Box<Step>),
}
