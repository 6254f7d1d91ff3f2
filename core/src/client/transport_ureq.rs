//! `http::Request<Vec<u8>>` over ureq and the answer back, with failures
//! sorted into the kinds the retry policy tells apart.

use std::io;
use std::time::Duration;

use ureq::Agent;
use ureq::Timeout;

use crate::retry::TransportErrorKind;

use super::TransportFailure;

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
pub(crate) fn send(
    agent: &Agent,
    request: http::Request<Vec<u8>>,
    timeout: Option<Duration>,
) -> Result<http::Response<Vec<u8>>, TransportFailure> {
    let request = agent
        .configure_request(request)
        .timeout_global(timeout)
        .build();
    let response = agent.run(request).map_err(classify)?;
    let (parts, mut body) = response.into_parts();
    // Downloads (recordings, faxes) can be large: no cap beyond memory.
    let bytes = body
        .with_config()
        .limit(u64::MAX)
        .read_to_vec()
        .map_err(classify)?;
    Ok(http::Response::from_parts(parts, bytes))
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
