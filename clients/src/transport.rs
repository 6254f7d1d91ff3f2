//! What carries a request to Zoom and its answer back: an `http`-typed
//! [`Transport`]. The async client's default is a `reqwest::Client`, the
//! blocking client's a `ureq::Agent` (through its own
//! `blocking::Transport`); either can be passed in configured (proxy,
//! custom CA, middleware), or replaced by your own transport or a test
//! double.
//!
//! A transport sends exactly the request it is handed and never follows
//! redirects: where a redirect may take the token is the core's decision.

use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::time::Duration;

use zoom_phone::driver::Outcome;
use zoom_phone::error::TransportFailure;

/// A boxed, sendable future (what [`Transport::send`] returns).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An error a token source or token store reports, in its own type.
pub type BoxError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// How one request is to be sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct SendOptions {
    /// How long the whole exchange may take, body included (already cut to
    /// what is left of the call's deadline).
    pub timeout: Duration,
    /// Read at most this many body bytes: refuse at once when
    /// `Content-Length` says more ([`declared_too_large`]), and stop reading
    /// one byte past it ([`SendError::TooLarge`]).
    pub body_limit: u64,
}

impl SendOptions {
    pub fn new(timeout: Duration, body_limit: u64) -> Self {
        SendOptions {
            timeout,
            body_limit,
        }
    }
}

/// Why a request brought back no answer to use.
#[derive(Debug)]
#[non_exhaustive]
pub enum SendError {
    /// The body is longer than [`SendOptions::body_limit`].
    TooLarge,
    /// No answer: refused, reset, timed out, ... (with the client's own
    /// error as the failure's `source`, where there is one).
    Failed(TransportFailure),
}

impl From<TransportFailure> for SendError {
    fn from(failure: TransportFailure) -> Self {
        SendError::Failed(failure)
    }
}

impl fmt::Display for SendError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SendError::TooLarge => f.write_str("the response body exceeds the limit"),
            SendError::Failed(failure) => failure.fmt(f),
        }
    }
}

impl std::error::Error for SendError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            SendError::TooLarge => None,
            SendError::Failed(failure) => std::error::Error::source(failure),
        }
    }
}

/// The answer to one request (any status), or why there is none.
pub type SendResult = Result<http::Response<Vec<u8>>, SendError>;

/// Sends requests for the async client (and, through an adapter, for the
/// blocking one). Implement it for your own middleware or a test double;
/// `reqwest::Client` implements it (feature `async`).
///
/// ```
/// use zoom_phone_client::{BoxFuture, SendOptions, SendResult, Transport};
///
/// /// Answers every request with an empty page: a test double.
/// struct Canned;
///
/// impl Transport for Canned {
///     fn send(&self, _: http::Request<Vec<u8>>, _: SendOptions) -> BoxFuture<'_, SendResult> {
///         let page = http::Response::builder()
///             .status(200)
///             .header("content-type", "application/json")
///             .body(br#"{"users":[],"next_page_token":""}"#.to_vec())
///             .expect("a valid response");
///         Box::pin(async move { Ok(page) })
///     }
/// }
/// ```
pub trait Transport: Send + Sync + 'static {
    /// Sends `request` as it is (never following a redirect) within
    /// `options.timeout`, reading at most `options.body_limit` body bytes.
    fn send(
        &self,
        request: http::Request<Vec<u8>>,
        options: SendOptions,
    ) -> BoxFuture<'_, SendResult>;
}

/// Whether an answer's `Content-Length` already says its body is longer
/// than `limit` (refuse it before reading).
pub fn declared_too_large(headers: &http::HeaderMap, limit: u64) -> bool {
    headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|len| len > limit)
}

/// A transport's answer as the core's outcome. A body over the limit is
/// refused here too, whatever the transport did.
pub(crate) fn outcome(result: SendResult, limit: u64) -> Outcome {
    match result {
        Ok(response) if response.body().len() as u64 > limit => Outcome::TooLarge,
        Ok(response) => Outcome::Response(response),
        Err(SendError::TooLarge) => Outcome::TooLarge,
        Err(SendError::Failed(failure)) => Outcome::Failed(failure),
    }
}

/// A transport's answer outside a session (the OAuth helpers).
pub(crate) fn answer(
    result: SendResult,
    request: &http::Uri,
    limit: u64,
) -> Result<http::Response<Vec<u8>>, zoom_phone::Error> {
    match result {
        Ok(response) if response.body().len() as u64 <= limit => Ok(response),
        Ok(_) | Err(SendError::TooLarge) => Err(zoom_phone::Error::ResponseTooLarge { limit }),
        Err(SendError::Failed(failure)) => Err(failure.at(request).into()),
    }
}
