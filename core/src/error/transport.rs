//! A request that got no HTTP answer, with what is needed to act on it: what
//! kind of failure (which decides whether a retry is safe), where the request
//! went, and the host client's own words.

use std::fmt;
use std::sync::Arc;

use crate::retry::TransportErrorKind;

/// The host HTTP client's own error, kept as the failure's
/// [`source`](std::error::Error::source).
pub type TransportSource = Arc<dyn std::error::Error + Send + Sync + 'static>;

/// The host's HTTP client failed to get an answer.
#[derive(Clone)]
#[non_exhaustive]
pub struct TransportFailure {
    pub kind: TransportErrorKind,
    /// The host client's description and cause (e.g. `ConnectError: [Errno
    /// 111] Connection refused`); never request contents.
    pub message: String,
    /// `scheme://host:port` of the request (no path or query: signed URLs
    /// carry keys there), when known.
    pub target: Option<String>,
    /// The host client's error itself (a `reqwest::Error`, a `ureq::Error`),
    /// when the host has one: what `source()` returns, for callers who
    /// downcast to their HTTP client's error type.
    pub source: Option<TransportSource>,
}

impl TransportFailure {
    pub fn new(kind: TransportErrorKind, message: impl Into<String>) -> Self {
        TransportFailure {
            kind,
            message: message.into(),
            target: None,
            source: None,
        }
    }

    /// The same failure, keeping the host client's error as its source.
    #[must_use]
    pub fn with_source(mut self, source: impl std::error::Error + Send + Sync + 'static) -> Self {
        self.source = Some(Arc::new(source));
        self
    }

    /// The same failure, naming where the request went.
    #[must_use]
    pub fn at(mut self, uri: &http::Uri) -> Self {
        self.target = origin(uri);
        self
    }
}

impl fmt::Display for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let what = match self.kind {
            TransportErrorKind::Connect => "could not connect",
            TransportErrorKind::Reset => "the connection broke",
            TransportErrorKind::Timeout => "no answer in time",
            TransportErrorKind::Other => "the request failed",
        };
        f.write_str(what)?;
        if let Some(target) = &self.target {
            write!(f, " ({target})")?;
        }
        if !self.message.is_empty() {
            write!(f, ": {}", self.message)?;
        }
        Ok(())
    }
}

impl fmt::Debug for TransportFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TransportFailure")
            .field("kind", &self.kind)
            .field("message", &self.message)
            .field("target", &self.target)
            .field("source", &self.source.as_ref().map(|s| s.to_string()))
            .finish()
    }
}

/// Two failures are equal when they say the same (the source is evidence,
/// not identity: two `reqwest::Error`s cannot be compared).
impl PartialEq for TransportFailure {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.message == other.message && self.target == other.target
    }
}

impl Eq for TransportFailure {}

impl std::error::Error for TransportFailure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.source
            .as_deref()
            .map(|s| s as &(dyn std::error::Error + 'static))
    }
}

/// `scheme://host:port`, the port made explicit (users debugging a proxy or
/// a mock want to see it).
pub(crate) fn origin(uri: &http::Uri) -> Option<String> {
    let scheme = uri.scheme_str()?;
    let host = uri.host()?;
    let port = uri.port_u16().or(match scheme {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    });
    Some(match port {
        Some(p) => format!("{scheme}://{host}:{p}"),
        None => format!("{scheme}://{host}"),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_the_origin_and_the_cause_but_not_the_path() {
        let uri: http::Uri = "https://api.zoom.us/v2/phone/users?access_key=secret"
            .parse()
            .unwrap();
        let f = TransportFailure::new(TransportErrorKind::Connect, "Connection refused").at(&uri);
        let text = f.to_string();
        assert_eq!(
            text,
            "could not connect (https://api.zoom.us:443): Connection refused"
        );
        assert!(!text.contains("secret"));
    }

    #[test]
    fn keeps_the_host_error_as_its_source() {
        use std::error::Error as _;
        let io = std::io::Error::new(std::io::ErrorKind::ConnectionRefused, "refused");
        let f = TransportFailure::new(TransportErrorKind::Connect, "refused").with_source(io);
        let source = f.source().expect("a source");
        assert!(source.downcast_ref::<std::io::Error>().is_some());
        let e = crate::Error::from(f.clone());
        let source = e.source().expect("the error forwards it");
        assert_eq!(source.to_string(), "refused");
        assert_eq!(
            f,
            TransportFailure::new(TransportErrorKind::Connect, "refused")
        );
    }
}
