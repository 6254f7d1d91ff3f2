//! `http::Request<Vec<u8>>` over reqwest and the answer back, with failures
//! sorted into the kinds the retry policy tells apart.

use std::error::Error as _;
use std::io;
use std::time::Duration;

use crate::retry::TransportErrorKind;

use super::{Received, TransportFailure, declared_too_large};

/// A reqwest client as the driver needs it: redirects are the driver's
/// decision (a download's `Location` may point off Zoom, where the token must
/// not follow), so reqwest follows none. The driver sets `User-Agent`.
pub(crate) fn client(connect_timeout: Duration) -> Result<reqwest::Client, crate::Error> {
    reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .connect_timeout(connect_timeout)
        .build()
        .map_err(|e| crate::Error::Transport {
            message: format!("cannot set up the HTTP client: {e}"),
        })
}

/// Sends one request; `timeout` bounds the whole exchange, body included.
/// At most `limit` bytes of body are kept: a longer body is refused on its
/// `Content-Length`, or once one byte past the limit has arrived.
pub(crate) async fn send(
    client: &reqwest::Client,
    request: http::Request<Vec<u8>>,
    timeout: Option<Duration>,
    limit: u64,
) -> Received {
    match exchange(client, request, timeout, limit).await {
        Ok(Some(response)) => Received::Answer(Ok(response)),
        Ok(None) => Received::TooLarge,
        Err(e) => Received::Answer(Err(e)),
    }
}

async fn exchange(
    client: &reqwest::Client,
    request: http::Request<Vec<u8>>,
    timeout: Option<Duration>,
    limit: u64,
) -> Result<Option<http::Response<Vec<u8>>>, TransportFailure> {
    let mut request = reqwest::Request::try_from(request).map_err(classify)?;
    if let Some(t) = timeout {
        *request.timeout_mut() = Some(t);
    }
    let mut response = client.execute(request).await.map_err(classify)?;
    if declared_too_large(response.headers(), limit) {
        return Ok(None);
    }
    let mut builder = http::Response::builder()
        .status(response.status())
        .version(response.version());
    if let Some(headers) = builder.headers_mut() {
        headers.extend(
            response
                .headers()
                .iter()
                .map(|(k, v)| (k.clone(), v.clone())),
        );
    }
    let mut body = Vec::new();
    while let Some(chunk) = response.chunk().await.map_err(classify)? {
        if (body.len() as u64).saturating_add(chunk.len() as u64) > limit {
            return Ok(None);
        }
        body.extend_from_slice(&chunk);
    }
    builder
        .body(body)
        .map(Some)
        .map_err(|e| TransportFailure::new(TransportErrorKind::Other, e.to_string()))
}

fn classify(error: reqwest::Error) -> TransportFailure {
    let kind = if error.is_timeout() {
        TransportErrorKind::Timeout
    } else if error.is_connect() {
        TransportErrorKind::Connect
    } else if error.is_body() || error.is_decode() || io_kind(&error).is_some_and(is_reset) {
        TransportErrorKind::Reset
    } else if error.is_request() {
        // hyper's "connection closed before message completed" and friends:
        // the connection went away after the request may have been sent.
        TransportErrorKind::Reset
    } else {
        TransportErrorKind::Other
    };
    TransportFailure::new(kind, describe(error.without_url()))
}

fn io_kind(error: &reqwest::Error) -> Option<io::ErrorKind> {
    let mut source = error.source();
    while let Some(e) = source {
        if let Some(io) = e.downcast_ref::<io::Error>() {
            return Some(io.kind());
        }
        source = e.source();
    }
    None
}

fn is_reset(kind: io::ErrorKind) -> bool {
    matches!(
        kind,
        io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof
    )
}

/// The error and its causes on one line, without the URL: query strings can
/// carry OAuth codes.
fn describe(error: reqwest::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(e) = source {
        text.push_str(": ");
        text.push_str(&e.to_string());
        source = e.source();
    }
    text
}
