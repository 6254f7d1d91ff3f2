//! `http::Request<Vec<u8>>` over ureq and the answer back, with failures
//! sorted into the kinds the retry policy tells apart.

use std::io;
use std::time::Duration;

use ureq::Agent;
use ureq::Timeout;

use crate::retry::TransportErrorKind;

use super::{Received, TransportFailure, declared_too_large};

/// A ureq agent as the driver needs it: every status is an answer (the core
/// parses error bodies), and redirects are the driver's decision (a
/// download's `Location` may point off Zoom, where the token must not
/// follow), so ureq follows none. The driver sets `User-Agent`.
pub(crate) fn agent(connect_timeout: Duration) -> Agent {
    Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .timeout_connect(Some(connect_timeout))
        .build()
        .into()
}

/// Sends one request; `timeout` bounds the whole exchange, body included.
/// At most `limit` bytes of body are kept: a longer body is refused on its
/// `Content-Length`, or once ureq has read past the limit.
pub(crate) fn send(
    agent: &Agent,
    request: http::Request<Vec<u8>>,
    timeout: Option<Duration>,
    limit: u64,
) -> Received {
    let request = agent
        .configure_request(request)
        .timeout_global(timeout)
        .build();
    let response = match agent.run(request) {
        Ok(response) => response,
        Err(e) => return Received::Answer(Err(classify(e))),
    };
    if declared_too_large(response.headers(), limit) {
        return Received::TooLarge;
    }
    let (parts, mut body) = response.into_parts();
    match body.with_config().limit(limit).read_to_vec() {
        Ok(bytes) => Received::Answer(Ok(http::Response::from_parts(parts, bytes))),
        Err(ureq::Error::BodyExceedsLimit(_)) => Received::TooLarge,
        Err(e) => Received::Answer(Err(classify(e))),
    }
}

fn classify(error: ureq::Error) -> TransportFailure {
    let kind = match &error {
        ureq::Error::Timeout(Timeout::Resolve | Timeout::Connect) => TransportErrorKind::Connect,
        ureq::Error::Timeout(_) => TransportErrorKind::Timeout,
        ureq::Error::HostNotFound | ureq::Error::ConnectionFailed => TransportErrorKind::Connect,
        ureq::Error::Io(e) => match e.kind() {
            io::ErrorKind::ConnectionRefused
            | io::ErrorKind::AddrNotAvailable
            | io::ErrorKind::NotFound => TransportErrorKind::Connect,
            io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionAborted
            | io::ErrorKind::BrokenPipe
            | io::ErrorKind::UnexpectedEof => TransportErrorKind::Reset,
            io::ErrorKind::TimedOut | io::ErrorKind::WouldBlock => TransportErrorKind::Timeout,
            _ => TransportErrorKind::Other,
        },
        // The server's bytes stopped making HTTP sense mid-answer.
        ureq::Error::Protocol(_) => TransportErrorKind::Reset,
        _ => TransportErrorKind::Other,
    };
    TransportFailure::new(kind, error.to_string())
}
