//! Ready-to-use clients: the [`driver`](crate::driver) run over an HTTP
//! client, with the clock, sleeping and token storage a host provides.
//!
//! - [`ZoomPhone`] (feature `async-client`): reqwest on tokio.
//! - [`blocking::ZoomPhone`] (feature `blocking-client`): ureq on std threads.
//!
//! Both are cheap to clone and share one session: one token, one retry
//! schedule and one rate limiter for all calls made through the clones.
//! Each call is a small loop: ask the session what to do, send what it
//! hands out (redirects are never followed by the HTTP client: the driver
//! decides where a token may go), feed back the answer, sleep when told to.
//!
//! ```no_run
//! # #[cfg(feature = "async-client")]
//! # async fn demo() -> Result<(), zoom_phone::Error> {
//! use zoom_phone::client::ZoomPhone;
//! let zp = ZoomPhone::builder()
//!     .server_to_server("account-id", "client-id", "client-secret")
//!     .build()?;
//! let users = zp.call("listPhoneUsers", serde_json::json!({ "page_size": 10 })).await?;
//! # Ok(()) }
//! ```

mod builder;
mod clock;
mod store;
mod webhooks;

#[cfg(feature = "async-client")]
mod async_client;
#[cfg(feature = "async-client")]
mod transport_reqwest;

#[cfg(feature = "blocking-client")]
pub mod blocking;
#[cfg(feature = "blocking-client")]
mod transport_ureq;

// The typed methods by tag (`zp.users()` returns a `groups::Users`).
#[cfg(feature = "typed-base")]
#[cfg_attr(docsrs, doc(cfg(feature = "typed-base")))]
pub use crate::generated::client as groups;

pub use builder::Builder;
pub use store::{AsyncTokenStore, JsonFileStore, MemoryStore, StoreFuture, StoreLock, TokenStore};
pub use webhooks::Webhooks;

#[cfg(feature = "async-client")]
pub use async_client::{OAuth, Pages, TokenFuture, TokenProvider, ZoomPhone};

pub use crate::driver::CallOptions;

/// What a transport reports when a request got no answer.
pub(crate) type TransportFailure = crate::driver::TransportError;

/// What a transport brings back for one request.
pub(crate) enum Received {
    Answer(Result<http::Response<Vec<u8>>, TransportFailure>),
    /// The body is longer than the session's limit: its `Content-Length`
    /// said so, or reading stopped one byte past the limit.
    TooLarge,
}

impl Received {
    /// Hands the result of request `attempt` of call `id` to the session.
    pub(crate) fn deliver(
        self,
        session: &mut crate::driver::Session,
        id: crate::driver::CallId,
        attempt: crate::driver::AttemptId,
        now: crate::Timestamp,
    ) {
        match self {
            Received::Answer(outcome) => session.receive(id, attempt, outcome, now),
            Received::TooLarge => session.receive_too_large(id, attempt),
        }
    }

    /// The answer to a request sent outside a session (the OAuth flows).
    pub(crate) fn into_result(self, limit: u64) -> Result<http::Response<Vec<u8>>, crate::Error> {
        match self {
            Received::Answer(Ok(response)) => Ok(response),
            Received::Answer(Err(e)) => Err(crate::Error::Transport { message: e.message }),
            Received::TooLarge => Err(crate::Error::ResponseTooLarge { limit }),
        }
    }
}

/// Whether the answer's `Content-Length` already exceeds `limit`.
pub(crate) fn declared_too_large(headers: &http::HeaderMap, limit: u64) -> bool {
    headers
        .get(http::header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok())
        .is_some_and(|len| len > limit)
}

/// A downloaded file: a recording, a voicemail, a fax.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Download {
    /// `Content-Type` of the answer, when given.
    pub content_type: Option<String>,
    /// The bytes exactly as received.
    pub bytes: Vec<u8>,
}

/// Where a listing stopped: hand it to `paginate(..).resume(..)` to go on
/// from there (Zoom keeps page tokens for 15 minutes).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResumeToken {
    pub token: String,
    pub issued_at: Option<crate::Timestamp>,
}

/// The file a download call answered with, or a decode error naming what
/// came instead.
pub(crate) fn into_download(
    operation: &str,
    output: crate::response::Output,
) -> Result<Download, crate::Error> {
    use crate::response::{Body, DecodeError};
    let kind = match output.body {
        Body::Binary {
            content_type,
            bytes,
        } => {
            return Ok(Download {
                content_type,
                bytes,
            });
        }
        Body::Json(_) => "a JSON body",
        Body::Empty => "no body",
        Body::Redirect { .. } => "a redirect",
    };
    Err(DecodeError {
        operation: operation.to_owned(),
        status: output.status,
        path: ".".to_owned(),
        message: format!("expected a file, got {kind}"),
        snippet: None,
        tracking_id: output.tracking_id,
    }
    .into())
}

/// A store failure as the call's error.
pub(crate) fn store_error(e: std::io::Error) -> crate::Error {
    crate::Error::TokenStore {
        message: e.to_string(),
    }
}

/// The typed body of a call's [`Output`](crate::response::Output) for `E`.
///
/// The driver hands back the generic output; the typed decoders read an
/// HTTP response, so the output is put back into one (status, content type,
/// `Location`, body) and decoded there: one decoding path for typed values,
/// at the price of writing the JSON out again.
#[cfg(feature = "typed-base")]
pub(crate) fn typed_body<E: crate::typed::Endpoint>(
    output: crate::response::Output,
) -> Result<E::Response, crate::Error> {
    use crate::response::Body;
    use http::header::{CONTENT_TYPE, HeaderValue, LOCATION};
    let mut response = http::Response::new(Vec::new());
    *response.status_mut() =
        http::StatusCode::from_u16(output.status).unwrap_or(http::StatusCode::OK);
    let headers = response.headers_mut();
    let body = match output.body {
        Body::Json(value) => {
            headers.insert(CONTENT_TYPE, HeaderValue::from_static("application/json"));
            value.to_string().into_bytes()
        }
        Body::Empty => Vec::new(),
        Body::Binary {
            content_type,
            bytes,
        } => {
            if let Some(v) = content_type.and_then(|c| HeaderValue::from_str(&c).ok()) {
                headers.insert(CONTENT_TYPE, v);
            }
            bytes
        }
        Body::Redirect { location } => {
            if let Ok(v) = HeaderValue::from_str(&location) {
                headers.insert(LOCATION, v);
            }
            Vec::new()
        }
    };
    *response.body_mut() = body;
    Ok(crate::typed::parse_typed::<E>(response)?.body)
}
