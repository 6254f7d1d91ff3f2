//! [`ureq::Agent`] as the blocking client's [`Transport`], with failures
//! sorted into the kinds the retry policy tells apart and the ureq error
//! kept as their `source`.

use std::io;
use std::time::Duration;

use ureq::{Agent, Timeout};
use zoom_phone::error::TransportFailure;
use zoom_phone::retry::TransportErrorKind;

use super::Transport;
use crate::transport::{SendError, SendOptions, SendResult, declared_too_large};

/// The client's default agent (`native`: the platform's roots instead of
/// the bundled webpki roots, feature `native-roots`).
pub(crate) fn default_agent(
    connect_timeout: Duration,
    native: bool,
) -> Result<Agent, zoom_phone::Error> {
    let config = Agent::config_builder().timeout_connect(Some(connect_timeout));
    #[cfg(feature = "native-roots")]
    let config = if native {
        config.tls_config(
            ureq::tls::TlsConfig::builder()
                .root_certs(native_roots()?)
                .build(),
        )
    } else {
        config
    };
    #[cfg(not(feature = "native-roots"))]
    let _ = native;
    Ok(config.build().into())
}

/// The platform's certificate store, as ureq takes it.
#[cfg(feature = "native-roots")]
fn native_roots() -> Result<ureq::tls::RootCerts, zoom_phone::Error> {
    let found = rustls_native_certs::load_native_certs();
    if found.certs.is_empty() {
        let why = found
            .errors
            .first()
            .map_or_else(|| "none found".to_owned(), ToString::to_string);
        return Err(TransportFailure::new(
            TransportErrorKind::Other,
            format!("cannot load the platform's root certificates: {why}"),
        )
        .into());
    }
    Ok(found
        .certs
        .iter()
        .map(|der| ureq::tls::Certificate::from_der(der.as_ref()).to_owned())
        .collect::<Vec<_>>()
        .into())
}

/// Sends the request as it is: every status is an answer, no redirect is
/// followed (whatever the agent's own settings: where a redirect may take
/// the token is the core's decision), `options.timeout` bounds the whole
/// exchange, and at most `options.body_limit` bytes of body are read.
impl Transport for Agent {
    fn send(&self, request: http::Request<Vec<u8>>, options: SendOptions) -> SendResult {
        let request = self
            .configure_request(request)
            .http_status_as_error(false)
            .max_redirects(0)
            .timeout_global(Some(options.timeout))
            .build();
        let response = self.run(request).map_err(classify)?;
        let limit = options.body_limit;
        if declared_too_large(response.headers(), limit) {
            return Err(SendError::TooLarge);
        }
        let (parts, mut body) = response.into_parts();
        match body.with_config().limit(limit).read_to_vec() {
            Ok(bytes) => Ok(http::Response::from_parts(parts, bytes)),
            Err(ureq::Error::BodyExceedsLimit(_)) => Err(SendError::TooLarge),
            Err(e) => Err(classify(e)),
        }
    }
}

fn classify(error: ureq::Error) -> SendError {
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
    SendError::Failed(TransportFailure::new(kind, error.to_string()).with_source(error))
}
